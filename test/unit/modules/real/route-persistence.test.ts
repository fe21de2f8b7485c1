// The MetalLB route as each network stack persists it, judged by that stack's own program: netplan generate,
// nmcli --offline, run-parts + the hook itself. For every real inventory, and netplan's id0/set-name case.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import metallbRoute, { linkArgs } from '../../../../src/modules/cluster/metallb-route.js';
import { poolRouteCidrs } from '../../../../src/cluster/pool-cidrs.js';
import { IFUPDOWN_HOOK, NETPLAN_DROPIN, renderNetplanDropin } from '../../../../src/modules/cluster/host-setup/route-persistence.js';
import { primaryLink } from '../../../../src/facts/kinds/primary-link.js';
import { factOf } from '../../../support/fake-facts.js';
import type { BaseFacts } from '../../../../src/core/types.js';
import type { Inventory } from '../../../../src/inventory/types.js';
import { loadRealInventories } from '../../../support/real-inventories.js';
import { ETH0_NETPLAN, ID0_NETPLAN } from '../cluster/host-setup/netplan-cases.js';
import { planSteps, planWrites } from './plan-writes.js';
import { requireProgram, scratchDir } from './programs.js';

const inventories = await loadRealInventories();
const haveNetplan = await requireProgram('netplan', 'netplan.io');
const haveNmcli = await requireProgram('nmcli', 'network-manager');
const haveRunParts = await requireProgram('run-parts', 'debianutils');

const scratch = scratchDir('routes');

const MAC = 'dc:a6:32:01:02:03';
const node = (inv: Inventory) => inv.hosts.find((h) => h.role !== 'lb')!.name;
/** Plans metallb-route on a host of the stack, with no LAN route (so every pool CIDR is managed and persisted). */
function plan(inv: Inventory, stack: BaseFacts['networkStack'], link: string) {
  const key = factOf(primaryLink, linkArgs(inv.network.gateway));
  return { inventory: inv, host: node(inv), facts: { base: { networkStack: stack, routes: [] }, facts: { [key]: link } } };
}

/** Runs netplan generate on a scratch root and returns the .network files it emitted (name → content). */
async function netplanGenerate(name: string, files: Record<string, string>): Promise<Map<string, string>> {
  const root = join(scratch(), `netplan-${name}`);
  await mkdir(join(root, 'etc/netplan'), { recursive: true });
  for (const [f, content] of Object.entries(files)) {
    await writeFile(join(root, 'etc/netplan', f), content);
    await chmod(join(root, 'etc/netplan', f), 0o600);
  }
  const r = await execa('netplan', ['generate', '--root-dir', root], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const out = join(root, 'run/systemd/network');
  const names = (await readdir(out).catch(() => [] as string[])).filter((n) => n.endsWith('.network'));
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(out, n), 'utf8')] as const)));
}

describe.skipIf(!haveNetplan)('netplan: netplan generate --root-dir on the base config + our drop-in', () => {
  it.each(inventories)('$name: one .network for eth0, DHCP kept, every pool CIDR routed on-link', async ({ name, inv }) => {
    const cidrs = poolRouteCidrs(inv);
    const dropin = planWrites(metallbRoute, plan(inv, 'netplan', `dev=eth0\nmac=${MAC}\nnetplan-file<<EOF\n${ETH0_NETPLAN}\nEOF\n`)).get(NETPLAN_DROPIN);
    expect(dropin).toBeDefined();
    const nets = await netplanGenerate(name, { '50-cloud-init.yaml': ETH0_NETPLAN, '90-provision-metallb.yaml': dropin! });
    expect([...nets.keys()]).toEqual(['10-netplan-eth0.network']);
    const net = nets.get('10-netplan-eth0.network')!;
    expect(net).toMatch(/^DHCP=ipv4$/m);
    for (const c of cidrs) expect(net).toContain(`[Route]\nDestination=${c}\nScope=link`);
  });

  it('id0 with match + set-name: eth0: the drop-in merges into id0 (no second .network without DHCP)', async () => {
    const inv = inventories.find((i) => i.name === 'flat-bgp')!.inv;
    const dropin = planWrites(metallbRoute, plan(inv, 'netplan', `dev=eth0\nmac=${MAC}\nnetplan-file<<EOF\n${ID0_NETPLAN}\nEOF\n`)).get(NETPLAN_DROPIN)!;
    const nets = await netplanGenerate('id0', { '50-cloud-init.yaml': ID0_NETPLAN, '90-provision-metallb.yaml': dropin });
    expect([...nets.keys()]).toEqual(['10-netplan-id0.network']);
    expect(nets.get('10-netplan-id0.network')).toMatch(/DHCP=ipv4[\s\S]*\[Route\]\nDestination=192\.168\.6\.0\/24\nScope=link/);
  });

  it('the drop-in keyed by the interface name instead (the old rendering) does emit the stray .network: the case is real', async () => {
    const nets = await netplanGenerate('id0-old', { '50-cloud-init.yaml': ID0_NETPLAN, '90-provision-metallb.yaml': renderNetplanDropin('eth0', ['192.168.6.0/24']) });
    expect([...nets.keys()].sort()).toEqual(['10-netplan-eth0.network', '10-netplan-id0.network']);
    expect(nets.get('10-netplan-eth0.network')).not.toMatch(/DHCP=/);
  });
});

describe.skipIf(!haveNmcli)('NetworkManager: the planned nmcli modifications, run with nmcli --offline on a keyfile', () => {
  it.each(inventories)('$name: every pool CIDR becomes an ipv4 route of the connection', async ({ inv }) => {
    const con = 'Wired connection 1';
    const add = await execa('nmcli', ['--offline', 'connection', 'add', 'type', 'ethernet', 'con-name', con, 'ifname', 'eth0', 'ipv4.method', 'auto']);
    let keyfile = add.stdout;
    const steps = planSteps(metallbRoute, plan(inv, 'networkmanager', `dev=eth0\nnm-connection=${con}\nnm-routes=\n`));
    const modify = steps.flatMap((s) => (s.kind === 'exec' && s.command.argv[0] === 'nmcli' ? [s.command.argv] : []));
    expect(modify.length).toBe(poolRouteCidrs(inv).length);
    for (const argv of modify) {
      // online: nmcli connection modify CON SETTINGS...; offline: the keyfile on stdin replaces CON.
      expect(argv.slice(0, 4)).toEqual(['nmcli', 'connection', 'modify', con]);
      const r = await execa('nmcli', ['--offline', 'connection', 'modify', ...argv.slice(4)], { input: keyfile, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      keyfile = r.stdout;
    }
    const routes = [...keyfile.matchAll(/^route\d+=(\S+)$/gm)].map((m) => m[1]);
    expect(routes).toEqual(poolRouteCidrs(inv));
  });
});

describe.skipIf(!haveRunParts)('ifupdown: run-parts accepts the hook; the hook routes only its interface', () => {
  it.each(inventories)('$name', async ({ name, inv }) => {
    const hook = planWrites(metallbRoute, plan(inv, 'ifupdown', 'dev=eth0\n')).get(IFUPDOWN_HOOK)!;
    const hooks = join(scratch(), `if-up-${name}`);
    const bin = join(scratch(), `bin-${name}`);
    await mkdir(hooks, { recursive: true });
    await mkdir(bin, { recursive: true });
    const file = join(hooks, IFUPDOWN_HOOK.split('/').pop()!);
    await writeFile(file, hook, { mode: 0o755 });
    // run-parts runs only names it accepts (no dots): --test lists what ifupdown would run.
    const listed = await execa('run-parts', ['--test', hooks]);
    expect(listed.stdout.trim()).toBe(file);
    // `ip` recorded, not run: the machine's routes are never touched.
    await writeFile(join(bin, 'ip'), `#!/bin/sh\necho "$*" >> ${bin}/ip.log\n`, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    await execa('run-parts', [hooks], { env: { ...env, IFACE: 'lo' } });
    await expect(readFile(join(bin, 'ip.log'), 'utf8')).rejects.toThrow();
    await execa('run-parts', [hooks], { env: { ...env, IFACE: 'eth0' } });
    const log = await readFile(join(bin, 'ip.log'), 'utf8');
    expect(log).toBe(poolRouteCidrs(inv).map((c) => `route replace ${c} dev eth0 scope link\n`).join(''));
  });
});
