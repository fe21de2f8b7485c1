// Builds the lab's sealed network: a switch namespace with the bridge, a router namespace holding the gateway, the laptop, and each host's eth0.
import type { LabPlan, LabHostPlan } from './plan.js';
import { run } from './sh.js';
import { createHostNamespaces } from './host-userns.js';
import { hostDirs } from './host-paths.js';

async function ip(ns: string | undefined, args: string[]): Promise<void> {
  await run(ns ? ['ip', '-n', ns, ...args] : ['ip', ...args]);
}

async function batch(ns: string, lines: string[]): Promise<void> {
  await run(['ip', '-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/** The switch (bridge br0), the router (gateway address, no forwarding) and the laptop namespace. */
export async function createFabric(plan: LabPlan): Promise<void> {
  for (const ns of [plan.switchNs, plan.routerNs, plan.controllerNs]) await run(['ip', 'netns', 'add', ns]);
  await batch(plan.switchNs, ['link set lo up', 'link add br0 type bridge', 'link set br0 up']);
  const edges: Array<[string, string, string]> = [
    ['prt', plan.routerNs, `${plan.gateway}/${plan.prefix}`],
    ['pctl', plan.controllerNs, `${plan.controllerAddress}/${plan.prefix}`],
  ];
  for (const [port, ns, cidr] of edges) {
    await batch(plan.switchNs, [`link add ${port} type veth peer name eth0 netns ${ns}`, `link set ${port} master br0`, `link set ${port} up`]);
    const lines = ['link set lo up', 'link set eth0 up', `addr add ${cidr} dev eth0`];
    if (ns === plan.controllerNs) lines.push(`route add default via ${plan.gateway}`);
    await batch(ns, lines);
  }
  // The router answers on the LAN but forwards nothing: there is nowhere to forward to, and forwarding stays off.
  await run(['ip', 'netns', 'exec', plan.routerNs, 'sh', '-c', 'echo 0 > /proc/sys/net/ipv4/ip_forward']);
}

/** The host's namespaces (user and network) and its eth0 (MAC set; the address is put on by the host's init at every boot). */
export async function createHostLink(plan: LabPlan, host: LabHostPlan): Promise<void> {
  await createHostNamespaces(host.ns, host.ownerUid, hostDirs(plan, host.name).userns);
  await batch(plan.switchNs, [`link add ${host.port} type veth peer name eth0 netns ${host.ns}`, `link set ${host.port} master br0`, `link set ${host.port} up`]);
  await batch(host.ns, [`link set eth0 address ${host.mac}`, 'link set lo up']);
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run(['ip', 'netns', 'list'], { nothrow: true });
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!.trim())
    .filter(Boolean);
}

export async function namespacePids(ns: string): Promise<number[]> {
  const r = await run(['ip', 'netns', 'pids', ns], { nothrow: true });
  return r.stdout.split('\n').map(Number).filter((n) => n > 0);
}

export async function deleteNamespace(ns: string): Promise<void> {
  await run(['ip', 'netns', 'del', ns], { nothrow: true });
}

export { ip };
