// Preflight's reads of a host, as lines of the host's ONE probe (identity, network, clock, kernel, ARP probes): `up`
// reads them in the same exec as its plays' facts, `provision preflight` in a probe of its own.
import { firstAddress } from '../inventory/ipv4.js';
import type { Host, Inventory } from '../inventory/types.js';
import { quote } from '../core/command.js';
import { CONTAINERD_PACKAGES } from './kinds/containerd.js';
import { BTIME_BY_AWK_VAR } from './probe-packages.js';
import type { ProbeItem } from '../core/types.js';

/**
 * Probe items preflight reads besides its lines: a node's containerd version (a play reading it too reads it once).
 * An lb host runs no container runtime (the system rules skip it), so it reads none: on a host without containerd the
 * fact asks apt-cache for candidates, three processes for nothing.
 */
export function preflightItems(host: Host): ProbeItem[] {
  if (host.role === 'lb') return [];
  return [{ kind: 'fact', fact: 'containerd' }, ...CONTAINERD_PACKAGES.map((name) => ({ kind: 'package' as const, name }))];
}

/** How long each ARP probe may take (arping -w): the two run in parallel, so a host's probe costs about this. */
export const ARP_WAIT_SECONDS = 3;

/** The shell variables the lines set (P_ prefix: none of the probe's own), unset at their end. */
const VARS = 'P_d P_m P_y P_r P_a P_b P_c P_e P_z P_k P_j P_s P_dev P_tmp';

export interface PreflightLineOptions {
  /** Tests: where Kubernetes keeps its files (default /etc/kubernetes). */
  kubernetesDir?: string;
  /**
   * An lb host in service: its haproxy.cfg's first line starts with this (provision's own header). Such a host
   * holds its API port itself, as a joined node holds its own: no port listing and no ARP probes on a re-run.
   */
  lbConfig?: { path: string; headerPrefix: string };
}

/**
 * Lines for the probe's shell, after its base sections (they use its `s`, `rd`, `ar` and `ag`: files `ar` and `ag` read
 * go to the packages' awk when it runs, awk-reads.ts; sections `pf.`): shell builtins
 * and /proc, /sys reads first (addresses, routes, hostname, time-sync daemons come from the base sections), so a
 * converged node's preflight costs one `df`, and an lb host in service none (the system rules, /var's space among
 * them, are for Kubernetes nodes: an lb host reads neither /var's space nor its page size).
 * The clock is read within the probe's exec (by the shell first, or by the packages' awk with the other files), so the
 * laptop can bound the offset by the times it sent the command and got the answer.
 * A node of a running cluster skips the port listing (its ports are its own) and the ARP probes (they wait for
 * answers). Otherwise duplicate address detection (`arping -D`: probes from 0.0.0.0, any reply is another device) and
 * the VIP probe (`arping`: who answers for it) run in parallel into a temporary directory removed before the end;
 * without arping, the VIP is looked up in the neighbour table after one ping (or a TCP connect) made the kernel ARP.
 */
export function preflightLines(inv: Inventory, host: Host, o: PreflightLineOptions = {}): string[] {
  const lb = host.role === 'lb';
  const k = quote(o.kubernetesDir ?? '/etc/kubernetes');
  const addr = quote(host.address);
  const probeAddr = quote(firstAddress(inv.network.nodes) ?? host.address);
  const vip = inv.network.api.mode === 'kube-vip' ? inv.network.api.address : undefined;
  const w = ARP_WAIT_SECONDS;
  return [
    // The wall clock without a `date` process: the kernel's boot time (/proc/stat's btime, whole seconds of wall time,
    // moved with every clock step) plus the time since boot (/proc/uptime): true to within the second btime cuts.
    // When the packages' awk runs later in this probe, it reads btime (probe-packages.ts BTIME_SECTION) and uptime
    // (`ar`): the shell's read(2) a byte up to btime costs ~1,100 system calls.
    `ar pf.clock /proc/uptime; [ -n "\${${BTIME_BY_AWK_VAR}-}" ] || while read -r P_a P_b; do [ "$P_a" = btime ] && { echo "btime $P_b"; break; }; done 2>/dev/null < /proc/stat`,
    'ar pf.machineid /etc/machine-id',
    'ar pf.uuid /sys/class/dmi/id/product_uuid',
    // /proc/device-tree is the kernel's link to /sys/firmware/devicetree/base; the value is NUL-terminated (read stops there).
    's pf.serial; for f in /proc/device-tree/serial-number /sys/firmware/devicetree/base/serial-number; do [ -r "$f" ] && { P_z=; IFS= read -r P_z < "$f"; printf %s "$P_z"; break; }; done',

    // What is mounted on /sys/fs/cgroup: a cgroup2 root (only it has cgroup.controllers) and its controllers, or v1's
    // hierarchies (directories in a tmpfs) and whether v1's memory controller is on. Not /proc/self/mounts: dash reads
    // a file a byte per read(2), and a node's mount table grows with its pods (tens of KiB).
    's pf.cgroup; if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo cgroup2; printf "controllers "; rd /sys/fs/cgroup/cgroup.controllers',
    // v1's memory row of /proc/cgroups in a section of its own (pf.cgroup.v1; `ag`: the packages' awk reads it on a node).
    'else for P_d in /sys/fs/cgroup/*; do [ -e "$P_d" ] && { echo v1; ag pf.cgroup.v1 memory /proc/cgroups; }; break; done; fi',
    'ar pf.swap /proc/swaps',
    // The container manager systemd found itself under (systemd-nspawn, lxc, docker...): it skips systemd-timesyncd
    // there (ConditionVirtualization=!container), as the clock is the machine's.
    'ar pf.container /run/systemd/container',
    ...(lb ? [] : ['s pf.var; df -Pk /var 2>/dev/null']),
    // Kubernetes already here (joined, or a half-done init whose static pods run): its ports are its own.
    // P_k: a running cluster's node (kubelet.conf or admin.conf); P_j: that, or a half-done init's API server manifest.
    `P_k=; for f in ${k}/kubelet.conf ${k}/admin.conf; do [ -f "$f" ] && P_k=1; done`,
    `P_j=; [ -n "$P_k" ] || [ -f ${k}/manifests/kube-apiserver.yaml ] && P_j=yes`,
    's pf.joined; echo "$P_j"',
    // The page size: `getconf` before Kubernetes is here (the lab stages a 16K-page Pi that way); a node of a running
    // cluster reads a smaps' KernelPageSize line (no process of its own on a converged re-run; parsePageSize).
    ...(lb
      ? []
      : [
          '[ -n "$P_j" ] || { s pf.pagesize; getconf PAGESIZE 2>/dev/null; }',
          '[ -z "$P_j" ] || ag pf.pagesize KernelPageSize: /proc/self/smaps',
        ]),
    // P_s: in service (a running cluster's node, or an lb host whose haproxy.cfg is provision's): its ports are its own.
    ...(lb
      ? [o.lbConfig
          ? `P_s=; P_a=; read -r P_a 2>/dev/null < ${quote(o.lbConfig.path)}; case $P_a in ${quote(o.lbConfig.headerPrefix)}*) P_s=1;; esac`
          : 'P_s=']
      : ['P_s=$P_j']),
    '[ -n "$P_s" ] || { s pf.listen; ss -Hltnp 2>/dev/null; }',
    's pf.arping; command -v arping',
    // A host in service skips the ARP probes (they wait for answers): a converged re-run stays fast.
    `if [ -z "$P_${lb ? 's' : 'k'}" ]; then`,
    // The interface that holds the node address (or, when none does, the one the nodes' LAN is routed through).
    `  P_dev=$(ip -o -4 addr show to ${addr}/32 2>/dev/null | awk '{print $2; exit}')`,
    `  [ -n "$P_dev" ] || P_dev=$(ip -o route get ${probeAddr} 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`,
    '  if [ -z "$P_dev" ]; then :',
    '  elif command -v arping >/dev/null 2>&1; then',
    '    P_tmp=$(mktemp -d)',
    `    ( arping -D -c 2 -w ${w} -I "$P_dev" ${addr} > "$P_tmp/dad" 2>&1; echo $? > "$P_tmp/dad.rc" ) & P_a=$!`,
    ...(vip ? [`    arping -c 2 -w ${w} -I "$P_dev" ${quote(vip)} > "$P_tmp/vip" 2>&1 & P_b=$!`] : ['    P_b=']),
    // Only these two: a bare `wait` would also wait for the run lock's holder, which lives as long as the connection.
    '    wait $P_a $P_b',
    '    s pf.dad; rd "$P_tmp/dad"; s pf.dad.rc; rd "$P_tmp/dad.rc"',
    ...(vip ? ['    s pf.vip; rd "$P_tmp/vip"'] : []),
    '    rm -rf "$P_tmp"',
    ...(vip
      ? [
          '  else',
          // No arping: make the kernel resolve the VIP (ping, or a TCP connect through bash), then read its neighbour entry.
          `    { command -v ping >/dev/null 2>&1 && ping -c 1 -W 1 ${quote(vip)}; } >/dev/null 2>&1 || timeout 2 bash -c ': </dev/tcp/$0/$1' ${quote(vip)} ${inv.network.api.port} >/dev/null 2>&1`,
          `    s pf.vipneigh; ip -j neigh show to ${quote(vip)} 2>/dev/null`,
        ]
      : []),
    '  fi',
    'fi',
    `unset ${VARS}`,
    's pf.end',
  ];
}
