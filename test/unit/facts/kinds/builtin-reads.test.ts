// The fact kinds that read with shell builtins give what the programs they replaced give on this machine.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PI_KERNEL_SCRIPT, parsePiKernel } from '../../../../src/facts/kinds/pi-kernel.js';
import { parseContainerdProbe, VERSION_SCRIPT } from '../../../../src/facts/kinds/containerd.js';
import { FACT_KINDS } from '../../../../src/facts/kinds/index.js';
import { parseOsRelease } from '../../../../src/facts/parse-base.js';
import { readFile } from 'node:fs/promises';
import { fakeInventory } from '../../../support/fake-inventory.js';

const sh = async (script: string) => (await execa('sh', ['-c', script], { reject: false })).stdout;

describe('builtin reads', () => {
  it('pi-kernel: page size as getconf, command line as /proc/cmdline, memory controller as grep/awk say', async () => {
    const got = parsePiKernel(await sh(PI_KERNEL_SCRIPT));
    expect(got.pageSize).toBe(Number(await sh('getconf PAGESIZE')));
    expect(got.cmdline).toEqual((await sh('cat /proc/cmdline')).split(/\s+/).filter(Boolean));
    const v2 = await sh('[ -f /sys/fs/cgroup/cgroup.controllers ] && echo yes');
    const mem = v2 === 'yes'
      ? (await execa('grep', ['-qw', 'memory', '/sys/fs/cgroup/cgroup.controllers'], { reject: false })).exitCode === 0
      : await sh("awk '$1==\"memory\"{print $4}' /proc/cgroups");
    expect(got.memory).toBe(v2 === 'yes' ? mem : mem === '1' ? true : mem === '0' ? false : undefined);
  });

  it('base os-release: the id, version and codename as sourcing os-release says', async () => {
    const os = parseOsRelease(await readFile('/etc/os-release', 'utf8'));
    const field = (k: string) => sh(`. /etc/os-release; echo "\${${k}:-}"`);
    expect([os.ID ?? '', os.VERSION_ID ?? '', os.VERSION_CODENAME ?? '']).toEqual([await field('ID'), await field('VERSION_ID'), await field('VERSION_CODENAME')]);
  });

  it('containerd: the binary asked only when no package installed it', async () => {
    const got = parseContainerdProbe(await sh(VERSION_SCRIPT));
    const packaged = await sh('[ -e /var/lib/dpkg/info/containerd.list ] || [ -e /var/lib/dpkg/info/containerd.io.list ] && echo yes');
    const installed = await sh('command -v containerd >/dev/null && containerd --version | head -n 1');
    expect(got.installed).toBe(packaged === 'yes' ? undefined : installed.trim() || undefined);
    // Without the package's file list (a containerd from a tarball), the binary's own first line.
    const unpackaged = VERSION_SCRIPT.replace(/\/var\/lib\/dpkg\/info\//g, '/nonexistent/');
    expect(parseContainerdProbe(await sh(unpackaged)).installed).toBe(installed.trim() || undefined);
  });

  it('every fact kind runs in the probe\'s own shell: no `exit`, and none sets the probe\'s M or s', () => {
    const inv = fakeInventory();
    for (const kind of FACT_KINDS) {
      const args = kind.shown(inv) ?? (kind.name === 'sysctl' || kind.name === 'kernel-modules' ? { names: ['x'] } : kind.name === 'unit-conditions' ? { units: ['x'] } : undefined);
      const script = kind.script(args as never);
      expect(script, kind.name).not.toMatch(/(^|[;&|\s])exit\b/);
      expect(script, kind.name).not.toMatch(/(^|[;\s])(M|s)=/);
      expect(script, kind.name).not.toMatch(/(^|\s)s\(\)/);
    }
  });
});

describe('clock-sync', () => {
  it("reads timesyncd's runtime directory: synchronised, running and not yet, or not running", async () => {
    const { CLOCK_SYNC_SCRIPT, clockSync } = await import('../../../../src/facts/kinds/clock-sync.js');
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/provision-clock-');
    try {
      const at = (d: string) => CLOCK_SYNC_SCRIPT.replaceAll('/run/systemd/timesync', d);
      const parse = async (d: string) => clockSync.parse({ code: 0, stdout: await sh(at(d)) }, undefined);
      expect(await parse(`${dir}/absent`)).toEqual({});
      await mkdir(`${dir}/running`);
      expect(await parse(`${dir}/running`)).toEqual({ synchronized: false });
      await writeFile(`${dir}/running/synchronized`, '');
      expect(await parse(`${dir}/running`)).toEqual({ synchronized: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('swap', () => {
  it("lists /proc/swaps' names as swapon --show does, escaped names decoded", async () => {
    const { SWAP_SCRIPT, swap } = await import('../../../../src/facts/kinds/swap.js');
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/provision-swaps-');
    try {
      const f = `${dir}/swaps`;
      await writeFile(f, 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile                               file\t\t1048572\t\t0\t\t-2\n/dev/zram0                              partition\t4096\t\t0\t\t100\n/var/my\\040swap                          file\t\t10\t\t0\t\t-3\n');
      const out = await sh(SWAP_SCRIPT.replace('/proc/swaps', f));
      expect(swap.parse({ code: 0, stdout: out }, undefined)).toEqual({ active: ['/swapfile', '/dev/zram0', '/var/my swap'] });
      // This machine: the same names as swapon --show (none, when it has no swap).
      const real = swap.parse({ code: 0, stdout: await sh(SWAP_SCRIPT) }, undefined).active;
      const shown = (await sh('swapon --show=NAME --noheadings 2>/dev/null')).split('\n').filter(Boolean);
      expect(real).toEqual(shown);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
