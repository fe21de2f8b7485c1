// The cache directory: $XDG_CACHE_HOME or ~/.cache, and never another user's when provision runs as root.
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionCacheDir } from '../../../src/core/cache-dir.js';

const root = { uid: 0, passwdHome: () => '/root-from-passwd' };
const someone = { uid: 1000, passwdHome: () => '/home/someone-from-passwd' };

// A home that belongs to another user than root (as the user's HOME does under `sudo -E`).
const userHome = mkdtempSync(join(tmpdir(), 'provision-cache-home-'));
if (process.getuid?.() === 0) chownSync(userHome, 12345, 12345);
afterAll(() => rmSync(userHome, { recursive: true, force: true }));

describe('provisionCacheDir', () => {
  it('is ~/.cache/provision/NAME, or under an absolute XDG_CACHE_HOME', () => {
    expect(provisionCacheDir('v8', { HOME: '/home/a' }, '/unused', someone)).toBe('/home/a/.cache/provision/v8');
    expect(provisionCacheDir('v8', { HOME: '/home/a', XDG_CACHE_HOME: '/var/cache/a' }, '/unused', someone)).toBe('/var/cache/a/provision/v8');
    expect(provisionCacheDir('v8', { HOME: '/home/a', XDG_CACHE_HOME: 'relative' }, '/unused', someone)).toBe('/home/a/.cache/provision/v8');
    expect(provisionCacheDir('ssh-g', {}, '/home/b', someone)).toBe('/home/b/.cache/provision/ssh-g');
  });

  it("root with another user's HOME (sudo -E) keeps its cache in its own home: nothing root-owned in the user's", () => {
    expect(provisionCacheDir('addons', { HOME: userHome }, '/unused', root)).toBe('/root-from-passwd/.cache/provision/addons');
    expect(provisionCacheDir('addons', { HOME: '/', XDG_CACHE_HOME: join(userHome, 'not-yet', 'cache') }, '/unused', root)).toBe('/root-from-passwd/.cache/provision/addons');
    // That user itself, and root in a directory of root's (the nearest existing parent: '/'), keep the usual place.
    expect(provisionCacheDir('addons', { HOME: userHome }, '/unused', someone)).toBe(join(userHome, '.cache/provision/addons'));
    expect(provisionCacheDir('addons', { HOME: '/nonexistent-provision-home' }, '/unused', root)).toBe('/nonexistent-provision-home/.cache/provision/addons');
    // Root without a passwd entry (some containers) has no home of its own to go to: the usual place.
    expect(provisionCacheDir('addons', { HOME: userHome }, '/unused', { uid: 0, passwdHome: () => undefined })).toBe(join(userHome, '.cache/provision/addons'));
  });
});
