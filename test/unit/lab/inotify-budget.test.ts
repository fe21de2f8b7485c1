// How many booted lab hosts fit under the machine's inotify limit: the sizes that can never fit are refused up front.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INOTIFY_PER_HOST, inotifyInUse, inotifyLimit, oversizedLab } from '../../../src/lab/inotify-budget.js';

describe('inotify budget of a lab', () => {
  it('refuses a lab that can never fit, names the limit and how many hosts fit; allows one that can', () => {
    expect(oversizedLab(13, 128)).toBeUndefined();
    expect(oversizedLab(18, 128)).toBeUndefined();
    const msg = oversizedLab(100, 128);
    expect(msg).toBe(`a lab of 100 booted hosts needs about ${100 * INOTIFY_PER_HOST} inotify instances (${INOTIFY_PER_HOST} each: systemd, dbus, logind), and this machine allows root 128 in all (fs.inotify.max_user_instances): at most ${Math.floor(128 / INOTIFY_PER_HOST)} hosts fit`);
    expect(oversizedLab(100, 8192)).toBeUndefined();
    expect(oversizedLab(100, undefined)).toBeUndefined();
  });

  it('reads the limit from the kernel\'s file; a missing or odd file is no limit known', () => {
    const d = mkdtempSync(join(tmpdir(), 'inotify-'));
    writeFileSync(join(d, 'max'), '128\n');
    writeFileSync(join(d, 'odd'), 'x\n');
    expect(inotifyLimit(join(d, 'max'))).toBe(128);
    expect(inotifyLimit(join(d, 'odd'))).toBeUndefined();
    expect(inotifyLimit(join(d, 'none'))).toBeUndefined();
    expect(inotifyInUse()).toBeGreaterThanOrEqual(0);
  });
});
