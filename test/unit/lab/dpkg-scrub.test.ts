// The dpkg scrub on a merged-/usr machine: package lists name /lib/..., which is a link to usr/lib. Whiteouts
// must go to the real path; one under /lib would turn the host's /lib into a directory and hide every library.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planDpkgScrub } from '../../../src/lab/dpkg-scrub.js';

describe('planDpkgScrub', () => {
  it('hides package files at their real path and never a directory or a link to one', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'dpkg-scrub-')));
    for (const d of ['usr/lib/systemd/system', 'usr/bin', 'var/lib/dpkg/info']) mkdirSync(join(root, d), { recursive: true });
    symlinkSync('usr/lib', join(root, 'lib'));
    writeFileSync(join(root, 'usr/lib/systemd/system/containerd.service'), '');
    writeFileSync(join(root, 'usr/bin/containerd'), '');
    writeFileSync(join(root, 'var/lib/dpkg/status'), 'Package: containerd\nStatus: install ok installed\nArchitecture: amd64\n\nPackage: bash\nArchitecture: amd64\n');
    writeFileSync(join(root, 'var/lib/dpkg/info/containerd.list'), ['/.', '/lib', '/lib/systemd', '/lib/systemd/system', '/lib/systemd/system/containerd.service', '/usr', '/usr/bin', '/usr/bin/containerd', '/usr/bin/gone'].join('\n'));
    const scrub = planDpkgScrub(root);
    expect(scrub.hide.sort()).toEqual(['/usr/bin/containerd', '/usr/lib/systemd/system/containerd.service', '/var/lib/dpkg/info/containerd.list']);
    expect(scrub.status).toContain('Package: bash');
    expect(scrub.status).not.toContain('containerd');
  });
});
