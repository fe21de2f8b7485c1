// The machine's foreign packages are hidden from lab hosts file by file, never a directory (nor a merged-/usr symlink to one).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planDpkgScrub } from '../../../src/lab/dpkg-scrub.js';

const root = mkdtempSync(join(tmpdir(), 'provision-scrub-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('planDpkgScrub', () => {
  it('hides containerd\'s files and dpkg records, keeps /lib (a symlink to usr/lib on merged /usr) and real directories', () => {
    mkdirSync(join(root, 'var/lib/dpkg/info'), { recursive: true });
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    symlinkSync('usr/lib', join(root, 'lib'));
    writeFileSync(join(root, 'usr/lib/systemd/system/containerd.service'), '');
    writeFileSync(join(root, 'usr/bin/containerd'), '');
    writeFileSync(join(root, 'var/lib/dpkg/status'), 'Package: containerd\nStatus: install ok installed\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\n');
    writeFileSync(join(root, 'var/lib/dpkg/info/containerd.list'), '/.\n/lib\n/lib/systemd\n/lib/systemd/system\n/lib/systemd/system/containerd.service\n/usr\n/usr/bin\n/usr/bin/containerd\n');
    const scrub = planDpkgScrub(root);
    expect(scrub.hide.sort()).toEqual(['/lib/systemd/system/containerd.service', '/usr/bin/containerd', '/var/lib/dpkg/info/containerd.list']);
    expect(scrub.status).not.toMatch(/containerd/);
  });
});
