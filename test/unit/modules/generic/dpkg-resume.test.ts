// The dpkg-resume module from data (an interrupted dpkg → dpkg --configure -a), and its fact's glob run by sh.
import { execa } from 'execa';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import mod, { REINSTALL_HALF_INSTALLED } from '../../../../src/modules/generic/dpkg-resume.js';
import { dpkgJournal } from '../../../../src/facts/kinds/dpkg-journal.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';
import { tempDir } from '../../../support/temp-dir.js';

const journal = (stdout: string) => ({ [factOf(dpkgJournal)]: stdout });

runModuleCases(mod, [
  {
    name: 'dpkg interrupted: resume it before anything installs',
    params: {},
    facts: { facts: journal('interrupted\n') },
    expect: {
      action: 'update',
      summary: /^dpkg was interrupted .*resume it \(dpkg --configure -a\) and install again what it left half-installed/,
      steps: [
        { kind: 'exec', command: { argv: ['dpkg', '--configure', '-a', '--force-confdef', '--force-confold'], env: { DEBIAN_FRONTEND: 'noninteractive' } } },
        { kind: 'exec', command: { argv: ['sh', '-c', REINSTALL_HALF_INSTALLED], env: { DEBIAN_FRONTEND: 'noninteractive' } } },
      ],
      converges: false,
    },
  },
  { name: 'nothing pending: noop', params: {}, facts: { facts: journal('') }, expect: { action: 'noop', summary: 'dpkg is not in the middle of anything' } },
  { name: 'rejects unknown params', params: { force: true }, expect: { error: /force/ } },
]);

describe('dpkg-journal fact (sh runs the glob)', () => {
  it('interrupted only while dpkg\'s updates/ holds a journal entry', async () => {
    const admin = tempDir('dpkg-admin-');
    mkdirSync(join(admin, 'updates'));
    const read = async () => dpkgJournal.parse({ code: 0, stdout: (await execa('sh', ['-c', dpkgJournal.script({ adminDir: admin })])).stdout }, { adminDir: admin });
    expect(await read()).toEqual({ interrupted: false });
    writeFileSync(join(admin, 'updates', 'tmp.i'), ''); // dpkg's own temp name: not an entry
    expect(await read()).toEqual({ interrupted: false });
    writeFileSync(join(admin, 'updates', '0001'), 'Package: containerd\nStatus: install ok half-installed\n');
    expect(await read()).toEqual({ interrupted: true });
  });
});

describe('after the resume, what dpkg left half-installed is installed again (sh runs it; dpkg-query and apt-get are recording stand-ins)', () => {
  const run = async (statusLines: string) => {
    const bin = tempDir('dpkg-resume-bin-');
    const log = join(bin, 'apt.log');
    writeFileSync(join(bin, 'dpkg-query'), `#!/bin/sh\nprintf '%s' '${statusLines}'\n`);
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$*" >> ${log}\n`);
    for (const f of ['dpkg-query', 'apt-get']) chmodSync(join(bin, f), 0o755);
    writeFileSync(log, '');
    const r = await execa('sh', ['-c', REINSTALL_HALF_INSTALLED], { env: { PATH: `${bin}:/usr/bin:/bin` }, reject: false });
    return { code: r.exitCode, apt: readFileSync(log, 'utf8') };
  };

  it('half-installed, half-configured or reinstall-required packages the host wants, and only those', async () => {
    const r = await run('ii  sudo\niHR containerd\niF  kubelet\nhUR kubeadm:amd64\nrHR being-removed\nrc  old-config\nii  nft\n');
    expect(r.code).toBe(0);
    expect(r.apt).toBe('install --reinstall -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold containerd kubelet kubeadm:amd64\n');
  });

  it('nothing half-installed: apt is not run', async () => {
    const r = await run('ii  sudo\nii  containerd\n');
    expect(r.code).toBe(0);
    expect(r.apt).toBe('');
  });
});
