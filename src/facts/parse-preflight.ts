// Turns a probe's preflight sections (and base ones) into typed PreflightFacts (pure; tested from recorded outputs).
import { BTIME_SECTION } from './probe-packages.js';
import { archOf, parseJson } from './parse-base.js';

export interface InterfaceFact {
  name: string;
  mac?: string;
  /** IPv4 addresses with their prefix length. */
  addrs: Array<{ address: string; prefix: number }>;
}

export interface PreflightFacts {
  /**
   * The host's clock when the script read it, seconds since the epoch: the lower end of a reading that may be up to
   * `clockError` seconds behind the truth (btime counts whole seconds).
   */
  clock?: number;
  clockError?: number;
  hostname: string;
  machineId?: string;
  productUuid?: string;
  /** A Raspberry Pi's serial number (device tree). */
  serial?: string;
  model?: string;
  arch: string;
  kernel: string;
  pageSize?: number;
  interfaces: InterfaceFact[];
  /** IPv4 default routes. */
  defaultRoutes: Array<{ dev?: string; gateway?: string }>;
  /** The interface the route to network.nodes leaves by. */
  nodesRouteDev?: string;
  /** Time-sync daemons running (process names). */
  timeSync: string[];
  /** The container manager the host runs under (/run/systemd/container: systemd-nspawn, lxc, docker...); absent on a machine. */
  container?: string;
  cgroup: { version: 1 | 2 | undefined; memory: boolean | undefined };
  /** Active swap devices or files. */
  swaps: string[];
  /** Free KiB on the file system holding /var. */
  varFreeKiB?: number;
  containerd?: string;
  /** Kubernetes already runs here (kubelet.conf, admin.conf or the API server's static pod): its ports are its own. */
  joined: boolean;
  listening: Array<{ port: number; process?: string }>;
  arping: boolean;
  /** arping -D on the node address: the MACs that answered (another device holds the address). */
  dad?: { replies: string[] };
  /** Who answered ARP for the VIP: arping replies, or the neighbour entry when arping is missing. */
  vip?: { method: 'arping' | 'neighbour'; macs: string[] };
}

const records = (text: string | undefined): Array<Record<string, unknown>> => {
  const j = parseJson(text);
  return Array.isArray(j) ? (j.filter((x) => x && typeof x === 'object') as Array<Record<string, unknown>>) : [];
};

/** `ip -j addr show` → interfaces with their MAC and IPv4 addresses. */
export function parseInterfaces(text: string | undefined): InterfaceFact[] {
  return records(text).flatMap((r) => {
    if (typeof r.ifname !== 'string') return [];
    const info = Array.isArray(r.addr_info) ? (r.addr_info as Array<Record<string, unknown>>) : [];
    const addrs = info.flatMap((a) => (a.family === 'inet' && typeof a.local === 'string' && typeof a.prefixlen === 'number' ? [{ address: a.local, prefix: a.prefixlen }] : []));
    const mac = typeof r.address === 'string' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(r.address) ? r.address.toLowerCase() : undefined;
    return [{ name: r.ifname, ...(mac ? { mac } : {}), addrs }];
  });
}

/** arping's "Unicast reply from 192.168.1.50 [AA:BB:CC:DD:EE:FF]" lines → the distinct MACs, lower case. */
export function parseArpingReplies(text: string | undefined): string[] {
  const macs = [...(text ?? '').matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/g)].map((m) => m[1]!.toLowerCase());
  return [...new Set(macs)];
}

/** `ss -Hltnp` → listening TCP ports and the process that holds each. */
export function parseListening(text: string | undefined): Array<{ port: number; process?: string }> {
  return (text ?? '').split('\n').flatMap((line) => {
    const f = line.trim().split(/\s+/);
    const local = f[3];
    const port = local ? Number(local.slice(local.lastIndexOf(':') + 1)) : NaN;
    if (!Number.isInteger(port) || port <= 0) return [];
    const proc = /users:\(\("([^"]+)"/.exec(line)?.[1];
    return [{ port, ...(proc ? { process: proc } : {}) }];
  });
}

/**
 * pf.cgroup: `cgroup2` and `controllers ...` (a cgroup2 root on /sys/fs/cgroup), or `v1` (v1's hierarchies); pf.cgroup.v1:
 * v1's memory row of /proc/cgroups (its 4th field: enabled).
 */
function parseCgroup(text: string, v1Row: string): PreflightFacts['cgroup'] {
  const lines = text.split('\n');
  const controllers = /^controllers (.*)$/m.exec(text)?.[1];
  const v1 = /^memory\s+\S+\s+\S+\s+(\d)/m.exec(v1Row)?.[1];
  if (lines.includes('cgroup2')) return { version: 2, memory: controllers === undefined ? undefined : controllers.trim().split(/\s+/).includes('memory') };
  if (lines.includes('v1')) return { version: 1, memory: v1 === undefined ? undefined : v1 === '1' };
  return { version: undefined, memory: undefined };
}

/** Time-sync daemons among the probe's base.procs (comm names, cut at 15 characters). */
const TIME_SYNC = new Set(['chronyd', 'systemd-timesyn', 'ntpd', 'openntpd']);

/**
 * A probe's sections (its base ones and preflight's `pf.` ones) → PreflightFacts; `containerd` is the installed
 * binary's version line (the containerd fact), if any. `complete` is false when the output stopped before the end.
 */
/**
 * pf.clock: /proc/uptime ("SECONDS IDLE") then "btime N" (/proc/stat: the wall time at boot, whole seconds, cut down;
 * in a section of its own, pf.btime, when the packages' awk read it): the clock is their sum, up to one second
 * behind. A bare number (an older probe's `date +%s.%N`) is exact.
 */
export function parseClock(text: string): { clock: number; clockError: number } | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return { clock: Number(text), clockError: 0 };
  const up = /^(\d+(?:\.\d+)?)\s/.exec(text)?.[1];
  const btime = /^btime (\d+)$/m.exec(text)?.[1];
  return up && btime ? { clock: Number(btime) + Number(up), clockError: 1 } : undefined;
}

/** pf.pagesize: getconf's bytes, or a smaps line ("KernelPageSize:   4 kB"). */
export function parsePageSize(text: string): number {
  const kb = /^KernelPageSize:\s+(\d+)\s+kB$/.exec(text)?.[1];
  return kb === undefined ? Number(text) : Number(kb) * 1024;
}

export function parsePreflight(sec: ReadonlyMap<string, string>, containerd?: string): { facts: PreflightFacts; complete: boolean } {
  const text = (id: string) => (sec.get(id) ?? '').trim();
  const opt = (id: string) => text(id) || undefined;
  const routes = records(sec.get('base.routes')).filter((r) => r.dst === 'default').map((r) => ({
    ...(typeof r.dev === 'string' ? { dev: r.dev } : {}),
    ...(typeof r.gateway === 'string' ? { gateway: r.gateway } : {}),
  }));
  const routeGet = records(sec.get('base.routeget'))[0];
  const clock = parseClock([text('pf.clock'), text(BTIME_SECTION)].filter(Boolean).join('\n'));
  const pageSize = parsePageSize(text('pf.pagesize'));
  const dfLast = text('pf.var').split('\n').pop() ?? '';
  const varFree = Number(dfLast.split(/\s+/)[3]);
  const facts: PreflightFacts = {
    hostname: text('base.hostname'),
    arch: archOf(sec),
    kernel: text('base.kernel'),
    interfaces: parseInterfaces(sec.get('base.addr')),
    defaultRoutes: routes,
    timeSync: text('base.procs').split('\n').map((l) => l.trim()).filter((c) => TIME_SYNC.has(c)),
    cgroup: parseCgroup(text('pf.cgroup'), text('pf.cgroup.v1')),
    // /proc/swaps: a header line, then one line per active device or file.
    swaps: text('pf.swap').split('\n').slice(1).map((l) => l.split(/\s+/)[0]!).filter(Boolean),
    joined: text('pf.joined') === 'yes',
    listening: parseListening(sec.get('pf.listen')),
    arping: text('pf.arping') !== '',
  };
  if (clock) Object.assign(facts, clock);
  if (Number.isInteger(pageSize) && pageSize > 0) facts.pageSize = pageSize;
  if (/^\S+\s+\d+\s+\d+\s+\d+/.test(dfLast) && Number.isFinite(varFree)) facts.varFreeKiB = varFree;
  if (routeGet && typeof routeGet.dev === 'string') facts.nodesRouteDev = routeGet.dev;
  const container = text('pf.container').split('\n')[0]!.trim();
  if (container) facts.container = container;
  for (const [key, id] of [['machineId', 'pf.machineid'], ['productUuid', 'pf.uuid'], ['serial', 'pf.serial'], ['model', 'base.model']] as const) {
    const v = opt(id);
    if (v) facts[key] = key === 'productUuid' ? v.toLowerCase() : v;
  }
  if (containerd) facts.containerd = containerd;
  if (sec.has('pf.dad')) facts.dad = { replies: parseArpingReplies(sec.get('pf.dad')) };
  if (sec.has('pf.vip')) facts.vip = { method: 'arping', macs: parseArpingReplies(sec.get('pf.vip')) };
  else if (sec.has('pf.vipneigh')) {
    const macs = records(sec.get('pf.vipneigh')).flatMap((n) => {
      const state = Array.isArray(n.state) ? n.state : [];
      return typeof n.lladdr === 'string' && !state.includes('FAILED') && !state.includes('INCOMPLETE') ? [n.lladdr.toLowerCase()] : [];
    });
    facts.vip = { method: 'neighbour', macs: [...new Set(macs)] };
  }
  return { facts, complete: sec.has('pf.end') };
}
