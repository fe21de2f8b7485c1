// Real programs judge the node files: containerd config dump (SystemdCgroup where the CRI plugin reads it),
// sysctl -p in a throwaway network namespace, apt's own parser on the sources lists.
import { containerdFact } from '../../../../src/facts/kinds/containerd.js';
import { factOf } from '../../../support/fake-facts.js';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import containerd from '../../../../src/modules/cluster/containerd.js';
import k8sPrereqs, { SYSCTL_FILE } from '../../../../src/modules/cluster/k8s-prereqs.js';
import kubePackages from '../../../../src/modules/cluster/kube-packages.js';
import { configMajor, pauseImage, renderContainerdConfig } from '../../../../src/modules/cluster/host-setup/containerd-config.js';
import { parseKubeVersion } from '../../../../src/cluster/version.js';
import { DOCKER_SOURCES, parseContainerdVersion } from '../../../../src/modules/cluster/host-setup/containerd-source.js';
import { SOURCES_LIST } from '../../../../src/modules/cluster/host-setup/kube-apt.js';
import type { Inventory } from '../../../../src/inventory/types.js';
import { loadRealInventories } from '../../../support/real-inventories.js';
import { planWrites } from './plan-writes.js';
import { requireProgram, scratchDir } from './programs.js';

const inventories = await loadRealInventories();
const haveContainerd = await requireProgram('containerd', 'containerd');
const haveSysctl = await requireProgram('sysctl', 'procps');
const haveUnshare = await requireProgram('unshare', 'util-linux');
const haveApt = await requireProgram('apt-get', 'apt');

const scratch = scratchDir('node');

const node = (inv: Inventory) => inv.hosts.find((h) => h.role !== 'lb')!.name;

/** The lines of one TOML table in `containerd config dump` output, up to the next table header. */
function table(dump: string, header: string): string[] {
  const lines = dump.split('\n');
  const at = lines.findIndex((l) => l.trim() === header);
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && /^\s*\[/.test(l));
  return lines.slice(at + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

describe.skipIf(!haveContainerd)('containerd config dump on the config planned for the containerd installed here', async () => {
  const local = haveContainerd ? parseContainerdVersion((await execa('containerd', ['--version'])).stdout) : undefined;
  it.each(inventories)('$name: SystemdCgroup = true in the runc options the CRI plugin reads, the pause image kubeadm wants', async ({ name, inv }) => {
    expect(local, 'containerd --version is readable').toBeDefined();
    // The schema the module picks for this daemon's version (the module itself may refuse a daemon too old for the
    // Kubernetes minor, as Debian bookworm's 1.6.20 is for 1.32; the file it would write for a fitting one is the same).
    const cfg = renderContainerdConfig({ major: configMajor(local), sandboxImage: pauseImage(parseKubeVersion(inv.cluster.kubernetes)) });
    const f = join(scratch(), `${name}-config.toml`);
    await writeFile(f, cfg);
    const dump = (await execa('containerd', ['--config', f, 'config', 'dump'])).stdout;
    const cri = local!.major >= 2 ? "plugins.'io.containerd.cri.v1.runtime'" : 'plugins."io.containerd.grpc.v1.cri"';
    const runc = local!.major >= 2 ? `[${cri.replace(/'/g, '"')}.containerd.runtimes.runc.options]` : `[${cri}.containerd.runtimes.runc.options]`;
    expect(table(dump, runc)).toContain('SystemdCgroup = true');
    expect(dump).toMatch(local!.major >= 2 ? /sandbox = "registry\.k8s\.io\/pause:3\.10"/ : /sandbox_image = "registry\.k8s\.io\/pause:3\.10"/);
  });
  it.runIf(local !== undefined && local.major === 1)('a 1.x daemon silently ignores a version = 3 config (why version 3 is only for a daemon known to be 2.x)', async () => {
    const f = join(scratch(), 'v3.toml');
    await writeFile(f, renderContainerdConfig({ major: 2, sandboxImage: 'registry.k8s.io/pause:3.10' }));
    const dump = (await execa('containerd', ['--config', f, 'config', 'dump'])).stdout;
    expect(table(dump, '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]')).toContain('SystemdCgroup = false');
  });
});

describe.skipIf(!haveSysctl || !haveUnshare)('sysctl.d: sysctl -p of the planned file in a throwaway network namespace', () => {
  it.each(inventories)('$name', async ({ name, inv }) => {
    let conf = planWrites(k8sPrereqs, { inventory: inv, host: node(inv) }).get(SYSCTL_FILE);
    expect(conf).toBeDefined();
    // net.bridge.* exists only while br_netfilter is loaded, which a test must not do to this machine.
    if (!existsSync('/proc/sys/net/bridge')) conf = conf!.split('\n').filter((l) => !l.startsWith('net.bridge.')).join('\n');
    const f = join(scratch(), `${name}-sysctl.conf`);
    await writeFile(f, conf!);
    // ip_forward and net.bridge.* are per network namespace: the machine's own values are never touched.
    const r = await execa('unshare', ['-rn', 'sysctl', '-p', f], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^net\.ipv4\.ip_forward = 1$/m);
  });
});

describe.skipIf(!haveApt)('apt sources lists: apt\'s own parser (indextargets) on what provision writes', () => {
  async function aptParses(name: string, list: string) {
    const lists = join(scratch(), `lists-${name}`);
    await mkdir(join(lists, 'partial'), { recursive: true });
    const f = join(scratch(), `${name}.list`);
    await writeFile(f, list);
    return execa('apt-get', ['-o', `Dir::Etc::sourcelist=${f}`, '-o', 'Dir::Etc::sourceparts=-', '-o', `Dir::State::Lists=${lists}`, 'indextargets'], { reject: false });
  }
  it.each(inventories)('$name: kubernetes.list', async ({ name, inv }) => {
    const list = planWrites(kubePackages, { inventory: inv, host: node(inv) }).get(SOURCES_LIST)!;
    const r = await aptParses(`k8s-${name}`, list);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^E:/m);
  });
  it('Docker\'s containerd.io source', async () => {
    const inv = inventories[0]!.inv;
    const list = planWrites(containerd, { inventory: inv, host: node(inv), facts: { facts: { [factOf(containerdFact)]: 'candidate-containerd=1.6.20~ds1-1+deb12u3\n' } } }).get(DOCKER_SOURCES)!;
    const r = await aptParses('docker', list);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^E:/m);
  });
  it('the parser does reject a malformed line (the check can fail)', async () => {
    const r = await aptParses('bad', 'deb [signed-by=/x https://example.invalid /\n');
    expect(r.exitCode).not.toBe(0);
  });
});
