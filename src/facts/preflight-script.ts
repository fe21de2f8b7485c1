// Builds the ONE read-only sh script `provision preflight` runs on a host: identity, network, clock, kernel, ARP probes.
import { firstAddress } from '../inventory/ipv4.js';
import type { Host, Inventory } from '../inventory/types.js';
import { quote } from '../core/command.js';

/** Sections the script prints (parsed by parse-preflight.ts). */
export const PREFLIGHT_SECTIONS = [
  'clock', 'hostname', 'machineid', 'uuid', 'serial', 'model', 'arch', 'kernel', 'pagesize', 'addr', 'routes', 'routeget',
  'timesync', 'cgroup', 'swap', 'var', 'containerd', 'joined', 'listen', 'arping', 'dad', 'dad.rc', 'vip', 'vipneigh', 'end',
] as const;

/** How long each ARP probe may take (arping -w): the two run in parallel, so a host's probe costs about this. */
export const ARP_WAIT_SECONDS = 3;

/**
 * The clock is read first, so the laptop can bound the offset by the times it sent the command and got the answer.
 * Duplicate address detection (`arping -D`: probes from 0.0.0.0, any reply is another device) and the VIP probe
 * (`arping`: who answers for it) run in parallel into a temporary directory that is removed before the script ends.
 * Without arping, the VIP is looked up in the neighbour table after one ping (or a TCP connect) made the kernel ARP.
 */
export function renderPreflightScript(inv: Inventory, host: Host, marker: string): string {
  const addr = quote(host.address);
  const probeAddr = quote(firstAddress(inv.network.nodes) ?? host.address);
  const vip = inv.network.api.mode === 'kube-vip' ? inv.network.api.address : undefined;
  const w = ARP_WAIT_SECONDS;
  const lines = [
    `M=${quote(marker)}`,
    `s() { printf '\\n%s %s\\n' "$M" "$1"; }`,
    's clock; date +%s.%N',
    's hostname; cat /proc/sys/kernel/hostname',
    's machineid; cat /etc/machine-id 2>/dev/null',
    's uuid; cat /sys/class/dmi/id/product_uuid 2>/dev/null',
    // /proc/device-tree is the kernel's link to /sys/firmware/devicetree/base: read either, as for the model.
    's serial; for f in /proc/device-tree/serial-number /sys/firmware/devicetree/base/serial-number; do [ -r "$f" ] && { tr -d "\\000" < "$f"; break; }; done',
    's model; for f in /proc/device-tree/model /sys/firmware/devicetree/base/model; do [ -r "$f" ] && { tr -d "\\000" < "$f"; break; }; done',
    's arch; dpkg --print-architecture 2>/dev/null || uname -m',
    's kernel; uname -r',
    's pagesize; getconf PAGESIZE',
    's addr; ip -j addr show 2>/dev/null',
    's routes; ip -j -4 route show default 2>/dev/null',
    `s routeget; ip -j route get ${probeAddr} 2>/dev/null`,
    // comm is cut at 15 characters: systemd-timesyncd shows as systemd-timesyn.
    's timesync; for f in /proc/[0-9]*/comm; do read -r c 2>/dev/null < "$f" && case "$c" in chronyd|systemd-timesyn|ntpd|openntpd) echo "$c";; esac; done',
    `s cgroup; echo "type $(stat -fc %T /sys/fs/cgroup 2>/dev/null)"; [ -r /sys/fs/cgroup/cgroup.controllers ] && echo "controllers $(cat /sys/fs/cgroup/cgroup.controllers)"; awk '$1=="memory"{print "v1memory " $4}' /proc/cgroups 2>/dev/null`,
    's swap; tail -n +2 /proc/swaps 2>/dev/null',
    's var; df -Pk /var 2>/dev/null | tail -n 1',
    's containerd; containerd --version 2>/dev/null',
    // Kubernetes already here (joined, or a half-done init whose static pods run): its ports are its own.
    `s joined; for f in /etc/kubernetes/kubelet.conf /etc/kubernetes/admin.conf /etc/kubernetes/manifests/kube-apiserver.yaml; do [ -f "$f" ] && { echo yes; break; }; done`,
    's listen; ss -Hltnp 2>/dev/null',
    // The interface that holds the node address (or, when none does, the one the nodes' LAN is routed through).
    `dev=$(ip -o -4 addr show to ${addr}/32 2>/dev/null | awk '{print $2; exit}')`,
    `[ -n "$dev" ] || dev=$(ip -o route get ${probeAddr} 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`,
    's arping; command -v arping',
    // A node of a running cluster skips the ARP probes (they wait for answers): a converged re-run stays fast.
    'k8s=; for f in /etc/kubernetes/kubelet.conf /etc/kubernetes/admin.conf; do [ -f "$f" ] && k8s=1; done',
    'if [ -n "$k8s" ]; then :',
    'elif command -v arping >/dev/null 2>&1 && [ -n "$dev" ]; then',
    '  t=$(mktemp -d)',
    `  ( arping -D -c 2 -w ${w} -I "$dev" ${addr} > "$t/dad" 2>&1; echo $? > "$t/dad.rc" ) &`,
    ...(vip ? [`  arping -c 2 -w ${w} -I "$dev" ${quote(vip)} > "$t/vip" 2>&1 &`] : []),
    '  wait',
    '  s dad; cat "$t/dad"; s dad.rc; cat "$t/dad.rc"',
    ...(vip ? ['  s vip; cat "$t/vip"'] : []),
    '  rm -rf "$t"',
    ...(vip
      ? [
          'elif [ -n "$dev" ]; then',
          // No arping: make the kernel resolve the VIP (ping, or a TCP connect through bash), then read its neighbour entry.
          `  { command -v ping >/dev/null 2>&1 && ping -c 1 -W 1 ${quote(vip)}; } >/dev/null 2>&1 || timeout 2 bash -c ': </dev/tcp/$0/$1' ${quote(vip)} ${inv.network.api.port} >/dev/null 2>&1`,
          `  s vipneigh; ip -j neigh show to ${quote(vip)} 2>/dev/null`,
        ]
      : []),
    'fi',
    's end',
  ];
  return lines.join('\n');
}
