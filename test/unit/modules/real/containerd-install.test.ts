// The distribution-containerd install script with the real dpkg comparing versions (apt-cache/apt-get are recorded shims).
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installScript } from '../../../../src/modules/cluster/host-setup/containerd-probe.js';
import { requireProgram } from './programs.js';

const have = await requireProgram('dpkg', 'dpkg');

describe.skipIf(!have)('containerd install script (real dpkg --compare-versions)', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'provision-ctrd-')); });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function run(candidate: string, minor: number) {
    const bin = join(dir, `bin-${candidate.replace(/\W/g, '_')}-${minor}`);
    await execa('mkdir', ['-p', bin]);
    await writeFile(join(bin, 'apt-cache'), `#!/bin/sh\n[ -n "${candidate}" ] && echo "  Candidate: ${candidate}"\nexit 0\n`);
    await writeFile(join(bin, 'apt-get'), `#!/bin/sh\necho "$*" >> ${bin}/apt-get.log\n`);
    await chmod(join(bin, 'apt-cache'), 0o755);
    await chmod(join(bin, 'apt-get'), 0o755);
    const r = await execa('sh', ['-c', installScript({ major: 1, minor })], { reject: false, env: { PATH: `${bin}:${process.env.PATH}` } });
    const log = await readFile(join(bin, 'apt-get.log'), 'utf8').catch(() => '');
    return { code: r.exitCode, stderr: r.stderr, log };
  }

  it.each([
    ['1.6.20~ds1-1+deb12u3', 32, false],
    ['1.6.36~ds1-1', 32, true],
    ['1.7.24~ds1-6', 32, true],
    ['1.7.23~ds1-1', 32, false],
    ['2.0.0~ds1-1', 32, false],
    ['2.0.1~ds1-1', 32, true],
    ['2.2.1~ds1-1', 33, true],
    ['1.5.18~ds1-1', 30, false],
  ])('candidate %s for Kubernetes 1.%i installs: %s', async (candidate, minor, installs) => {
    const r = await run(candidate, minor);
    if (installs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.log).toBe('install -y --no-install-recommends containerd\n');
    } else {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/older than containerd's support matrix allows .*set source: docker/);
      expect(r.log).toBe('');
    }
  });

  it('no candidate even after apt-get update: a clear failure', async () => {
    const r = await run('', 32);
    expect(r.code).toBe(1);
    expect(r.log).toBe('update\n');
    expect(r.stderr).toMatch(/apt has no containerd package/);
  });
});
