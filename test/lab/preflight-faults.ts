// The faults the preflight lab stages, one per rule and level: how each is staged in the homelab lab (for real where the
// lab can; inside one host's own mount namespace or PATH where the thing belongs to the machine's kernel), how it is
// undone, and the finding it must give. A unit test checks that every preflight code has one.

export type Level = 'error' | 'warning' | 'info';
export interface Expected {
  level: Level;
  code: string;
  host: string;
  /** A text the message contains. */
  text?: string;
}

export interface Fault {
  what: string;
  /** The finding the fault must give, naming the host. */
  finding: Expected;
  /** What the same fault gives on another host too (the other side of a duplicate). */
  also?: Expected[];
  /** `code@host` that must not be reported while it is staged (the staging really differs from the lab's own state). */
  not?: string[];
  /** The fault is in the plan: the inventory text as it has it. */
  inventory?: (yaml: string) => string;
  /** Stages it; may return a text the message must contain that is only known once staged (a MAC). */
  stage?: () => Promise<string | void>;
  undo?: () => Promise<void>;
}

/** What staging needs from the lab: root commands in a host, and `ip` in the lab's own namespaces. */
export interface FaultLab {
  /** Runs a command as root inside a lab host; throws when it fails. */
  sh(host: string, cmd: string): Promise<string>;
  /** Runs a command as root inside a lab host; never throws (undo goes on). */
  shq(host: string, cmd: string): Promise<void>;
  /** `ip ARGS` in the lab's switch (bridge br0), router (the LAN's other device) or laptop namespace. */
  ip(ns: 'switch' | 'router' | 'laptop', args: string[]): Promise<string>;
  /**
   * Writes (or with undefined removes) the file NAME of a host's device tree, /sys/firmware/devicetree/base/NAME as the
   * host reads it (the host sees its firmware read-only, as a machine does; the lab stages it from outside).
   */
  deviceTree(host: string, name: string, content: string | undefined): Promise<void>;
}

export const CP = 'k8s-cp-01';
export const W = 'k8s-worker-01';
const VIP = '192.168.1.50';
/** The lab's bridge ports: the two hosts, the router, the laptop (src/lab/network.ts). */
const PORTS = ['p0', 'p1', 'prt', 'pctl'];

/** A program of that name earlier on the host's PATH: answers `out` when its first argument is `when`, else the real one. */
const wrap = (name: string, when: string, out: string) =>
  `printf '#!/bin/sh\\n[ "$1" = ${when} ] && { echo "${out}"; exit 0; }\\nexec /usr/bin/${name} "$@"\\n' > /usr/local/bin/${name} && chmod 755 /usr/local/bin/${name}`;
/** `df -Pk /var` answering `kib` free (a small file system over /var under the running sshd made every login fail). */
const dfVar = (kib: number) =>
  `printf '#!/bin/sh\\n[ "$1 $2" = "-Pk /var" ] && { printf "Filesystem 1024-blocks Used Available Capacity Mounted on\\\\ntmpfs ${kib} 0 ${kib} 0%%%% /var\\\\n"; exit 0; }\\nexec /usr/bin/df "$@"\\n' > /usr/local/bin/df && chmod 755 /usr/local/bin/df && df -Pk /var | grep -q ' ${kib} '`;
/**
 * The kernel is the machine's: the host's own view of its release (/proc/sys/kernel/osrelease, which the probe reads)
 * is a file bound over it in the host's mount namespace.
 */
const kernelRelease = (release: string) =>
  `printf '%s\\n' '${release}' > /run/lab-osrelease && mount --bind /run/lab-osrelease /proc/sys/kernel/osrelease && read -r r < /proc/sys/kernel/osrelease && [ "$r" = '${release}' ]`;
/**
 * The clock is the machine's: the host's own /proc/stat, with its boot time moved `seconds` later, is bound over
 * /proc/stat in the host's mount namespace (the probe reads the clock as boot time plus uptime).
 */
const clockAhead = (seconds: number) => `awk '$1 == "btime" { $2 += ${seconds} } { print }' /proc/stat > /run/lab-stat && mount --bind /run/lab-stat /proc/stat`;
const clockUndo = 'umount /proc/stat; rm -f /run/lab-stat';
/** A cgroup v1 (hybrid) host: /sys/fs/cgroup is a tmpfs with a directory per hierarchy (the controllers mount there). */
const cgroupV1 = 'mount -t tmpfs -o size=64k tmpfs /sys/fs/cgroup && mkdir /sys/fs/cgroup/memory /sys/fs/cgroup/systemd';
/** A cgroup v2 host: the unified hierarchy on /sys/fs/cgroup (on a v1 machine its controllers are bound elsewhere). */
const cgroupV2 = 'mount -t cgroup2 cgroup2 /sys/fs/cgroup';
/** The DMI product_uuid two cloned VMs share. */
const dmi = (uuid: string) => `mount -t tmpfs -o size=64k tmpfs /sys/class && mkdir -p /sys/class/dmi/id && echo ${uuid} > /sys/class/dmi/id/product_uuid`;
const and = (...cmds: string[]) => cmds.join(' && ');
const eth0Mac = async (lab: FaultLab, host: string) => (JSON.parse(await lab.sh(host, 'ip -j link show eth0'))[0].address as string).toLowerCase();

export function preflightFaults(lab: FaultLab): Fault[] {
  const { sh, shq } = lab;
  const routerMac = async () => (JSON.parse(await lab.ip('router', ['-j', 'link', 'show', 'eth0']))[0].address as string).toLowerCase();
  const fault = (what: string, finding: Expected, rest: Omit<Fault, 'what' | 'finding'> = {}): Fault => ({ what, finding, ...rest });
  return [
    // The plan against the host's network.
    fault('the inventory address is not on the host (it came up on another one)', { level: 'error', code: 'address-missing', host: W, text: '192.168.1.52/24 on eth0' }, {
      inventory: (y) => y.replace('address: 192.168.1.52', 'address: 192.168.1.53'),
    }),
    fault('a /30 on the control plane leaves the worker off-link', { level: 'error', code: 'subnet-mismatch', host: CP, text: `${W} would not be on-link` }, {
      stage: () => sh(CP, 'ip addr add 192.168.1.51/30 dev eth0 && ip addr del 192.168.1.51/24 dev eth0 && ip route add 192.168.1.0/24 dev eth0 src 192.168.1.51 && ip route replace default via 192.168.1.1 dev eth0').then(() => undefined),
      undo: () => shq(CP, 'ip route del 192.168.1.0/24 dev eth0; ip addr add 192.168.1.51/24 dev eth0; ip addr del 192.168.1.51/30 dev eth0; ip route replace default via 192.168.1.1 dev eth0'),
    }),
    fault('a /16 on the control plane where the plan says /24 (every node still on-link)', { level: 'warning', code: 'subnet-mismatch', host: CP, text: '/16' }, {
      stage: () => sh(CP, 'ip addr add 192.168.1.51/16 dev eth0 && ip addr del 192.168.1.51/24 dev eth0 && ip route replace default via 192.168.1.1 dev eth0').then(() => undefined),
      undo: () => shq(CP, 'ip addr add 192.168.1.51/24 dev eth0; ip addr del 192.168.1.51/16 dev eth0; ip route replace default via 192.168.1.1 dev eth0'),
    }),
    fault('the inventory MAC names another device', { level: 'error', code: 'mac-mismatch', host: CP, text: '88:d7:f6:49:0d:46' }, {
      inventory: (y) => y.replace('"88:d7:f6:49:0d:46"', '"88:d7:f6:49:0d:99"'),
    }),
    fault('the default route leaves by a second interface (Wi-Fi, VPN)', { level: 'warning', code: 'default-route', host: W, text: 'wlan0' }, {
      stage: () => sh(W, 'ip link add wlan0 type veth peer name wlan0p && ip link set wlan0p up && ip link set wlan0 up && ip addr add 10.9.9.2/24 dev wlan0 && ip route replace default via 10.9.9.1 dev wlan0').then(() => undefined),
      undo: () => shq(W, 'ip link del wlan0; ip route replace default via 192.168.1.1 dev eth0'),
    }),
    fault('another device on the LAN (the router) holds the worker\'s address', { level: 'error', code: 'duplicate-address', host: W }, {
      stage: async () => (await lab.ip('router', ['addr', 'add', '192.168.1.52/32', 'dev', 'eth0']), routerMac()),
      undo: async () => void (await lab.ip('router', ['addr', 'del', '192.168.1.52/32', 'dev', 'eth0']).catch(() => '')),
    }),
    fault('arping is not installed on the worker', { level: 'info', code: 'arping-missing', host: W }, {
      stage: () => sh(W, 'mv /usr/bin/arping /usr/bin/arping.i20').then(() => undefined),
      undo: () => shq(W, 'mv /usr/bin/arping.i20 /usr/bin/arping'),
    }),
    fault('another device on the LAN (the router) answers for the VIP', { level: 'error', code: 'vip-in-use', host: CP }, {
      stage: async () => (await lab.ip('router', ['addr', 'add', `${VIP}/32`, 'dev', 'eth0']), routerMac()),
      undo: async () => void (await lab.ip('router', ['addr', 'del', `${VIP}/32`, 'dev', 'eth0']).catch(() => '')),
    }),
    // What Kubernetes needs unique per node.
    fault('the worker has the control plane\'s hostname (its own UTS namespace)', { level: 'error', code: 'duplicate-hostname', host: W, text: CP }, {
      also: [{ level: 'error', code: 'duplicate-hostname', host: CP, text: W }],
      stage: () => sh(W, `hostname ${CP}`).then(() => undefined),
      undo: () => shq(W, `hostname ${W}`),
    }),
    fault('a cloned SD card: the worker has the control plane\'s machine-id', { level: 'error', code: 'duplicate-machine-id', host: W, text: CP }, {
      also: [{ level: 'error', code: 'duplicate-machine-id', host: CP, text: W }],
      stage: async () => {
        const mid = (await sh(CP, 'cat /etc/machine-id')).trim();
        await sh(W, `cp /etc/machine-id /root/machine-id.i20 && echo ${mid} > /etc/machine-id`);
      },
      undo: () => shq(W, 'mv /root/machine-id.i20 /etc/machine-id'),
    }),
    fault('cloned VMs share a DMI product_uuid', { level: 'error', code: 'duplicate-product-uuid', host: W, text: CP }, {
      also: [{ level: 'error', code: 'duplicate-product-uuid', host: CP, text: W }],
      stage: async () => {
        for (const h of [CP, W]) await sh(h, dmi('4c4c4544-0042-3510-8052-b4c04f335931'));
      },
      undo: async () => {
        for (const h of [CP, W]) await shq(h, 'umount /sys/class');
      },
    }),
    fault('two boards report one device-tree serial number', { level: 'error', code: 'duplicate-serial', host: W, text: CP }, {
      also: [{ level: 'error', code: 'duplicate-serial', host: CP, text: W }],
      // The control plane is a Pi in homelab: the lab gives it a device tree already; the worker gets one with only a serial.
      stage: async () => {
        for (const h of [CP, W]) await lab.deviceTree(h, 'serial-number', '10000000c0ffee42');
      },
      undo: async () => {
        for (const h of [CP, W]) await lab.deviceTree(h, 'serial-number', undefined);
      },
      not: [`board-mismatch@${W}`],
    }),
    fault('cloned VMs share the node interface\'s MAC', { level: 'error', code: 'duplicate-mac', host: W, text: CP }, {
      also: [{ level: 'error', code: 'duplicate-mac', host: CP, text: W }],
      // Two ports with one MAC on a learning bridge would take turns receiving its frames: the switch becomes a hub
      // (learning off, every frame flooded), so each host still gets its own traffic and drops the other's (no forwarding).
      stage: async () => {
        for (const p of PORTS) await lab.ip('switch', ['link', 'set', 'dev', p, 'type', 'bridge_slave', 'learning', 'off']);
        await lab.ip('switch', ['link', 'set', 'dev', 'br0', 'type', 'bridge', 'fdb_flush']);
        for (const h of [CP, W]) await sh(h, 'cat /proc/sys/net/ipv4/ip_forward > /root/ip_forward.i20 && echo 0 > /proc/sys/net/ipv4/ip_forward');
        const mac = await eth0Mac(lab, CP);
        await sh(W, `ip -br link show dev eth0 | awk '{print $3}' > /root/eth0.i20 && ip link set dev eth0 address ${mac}`);
        // A changed MAC is announced only with arp_notify set: the others forget the worker's old one and ask again.
        await sh(CP, 'ip neigh flush dev eth0');
        for (const ns of ['router', 'laptop'] as const) await lab.ip(ns, ['neigh', 'flush', 'dev', 'eth0']);
        return mac;
      },
      undo: async () => {
        await shq(W, 'ip link set dev eth0 address "$(cat /root/eth0.i20)" && rm /root/eth0.i20');
        for (const h of [CP, W]) await shq(h, 'cat /root/ip_forward.i20 > /proc/sys/net/ipv4/ip_forward && rm /root/ip_forward.i20; ip neigh flush dev eth0');
        for (const p of PORTS) await lab.ip('switch', ['link', 'set', 'dev', p, 'type', 'bridge_slave', 'learning', 'on']).catch(() => '');
        await lab.ip('switch', ['link', 'set', 'dev', 'br0', 'type', 'bridge', 'fdb_flush']).catch(() => '');
        for (const ns of ['router', 'laptop'] as const) await lab.ip(ns, ['neigh', 'flush', 'dev', 'eth0']).catch(() => '');
      },
    }),
    // Time.
    fault('the worker\'s clock runs 5 minutes ahead', { level: 'error', code: 'clock-skew', host: W, text: 'ahead' }, {
      stage: () => sh(W, clockAhead(300)).then(() => undefined),
      undo: () => shq(W, clockUndo),
    }),
    fault('the worker\'s clock runs 25 s ahead (the probe\'s own time in flight never counts)', { level: 'warning', code: 'clock-skew', host: W, text: 'ahead' }, {
      stage: () => sh(W, clockAhead(25)).then(() => undefined),
      undo: () => shq(W, clockUndo),
    }),
    // cgroups: staged inside one host's mount namespace, whatever hierarchy the machine itself has.
    fault('cgroup v1 on the worker (the control plane on v2), Kubernetes 1.32', { level: 'warning', code: 'cgroup-v1', host: W, text: '1.32' }, {
      stage: async () => (await sh(W, cgroupV1), void (await sh(CP, cgroupV2))),
      undo: async () => (await shq(W, 'umount /sys/fs/cgroup'), await shq(CP, 'umount /sys/fs/cgroup')),
      not: [`cgroup-v1@${CP}`],
    }),
    fault('cgroup v1 on the worker, Kubernetes 1.35 (which refuses it)', { level: 'error', code: 'cgroup-v1', host: W, text: '1.35' }, {
      inventory: (y) => y.replace('kubernetes: "1.32"', 'kubernetes: "1.35"'),
      stage: async () => (await sh(W, cgroupV1), void (await sh(CP, cgroupV2))),
      undo: async () => (await shq(W, 'umount /sys/fs/cgroup'), await shq(CP, 'umount /sys/fs/cgroup')),
      not: [`cgroup-v1@${CP}`],
    }),
    fault('cgroup v2 without the memory controller on the worker (a PC)', { level: 'error', code: 'cgroup-memory', host: W }, {
      stage: () => sh(W, and(cgroupV2, "printf 'cpuset cpu io pids\\n' > /root/controllers.i20", 'mount --bind /root/controllers.i20 /sys/fs/cgroup/cgroup.controllers')).then(() => undefined),
      undo: () => shq(W, 'umount /sys/fs/cgroup/cgroup.controllers; umount /sys/fs/cgroup; rm -f /root/controllers.i20'),
      not: [`cgroup-v1@${W}`],
    }),
    fault('cgroup v1 with the memory controller disabled on the control plane (a Pi: up fixes it)', { level: 'warning', code: 'cgroup-memory', host: CP }, {
      stage: () => sh(CP, and(cgroupV1, "awk '$1==\"memory\"{$4=0} {print}' OFS='\\t' /proc/cgroups > /root/cgroups.i20", 'mount --bind /root/cgroups.i20 /proc/cgroups')).then(() => undefined),
      undo: () => shq(CP, 'umount /proc/cgroups; umount /sys/fs/cgroup; rm -f /root/cgroups.i20'),
    }),
    // The rest of the system.
    fault('swap is on on the control plane', { level: 'info', code: 'swap', host: CP, text: '/swapfile' }, {
      stage: () => sh(CP, "printf 'Filename\\t\\t\\t\\tType\\t\\tSize\\t\\tUsed\\t\\tPriority\\n/swapfile                               file\\t\\t1048572\\t\\t0\\t\\t-2\\n' > /root/swaps.i20 && mount --bind /root/swaps.i20 /proc/swaps").then(() => undefined),
      undo: () => shq(CP, 'umount /proc/swaps; rm -f /root/swaps.i20'),
    }),
    fault('1 GiB free on the worker\'s /var', { level: 'error', code: 'var-space', host: W, text: '1.0 GiB' }, {
      stage: () => sh(W, dfVar(1048576)).then(() => undefined),
      undo: () => shq(W, 'rm -f /usr/local/bin/df'),
    }),
    fault('5 GiB free on the worker\'s /var', { level: 'warning', code: 'var-space', host: W, text: '5.0 GiB' }, {
      stage: () => sh(W, dfVar(5 * 1048576)).then(() => undefined),
      undo: () => shq(W, 'rm -f /usr/local/bin/df'),
    }),
    fault('the Pi control plane on a 16K-page kernel', { level: 'error', code: 'page-size', host: CP, text: '16K' }, {
      stage: () => sh(CP, wrap('getconf', 'PAGESIZE', '16384')).then(() => undefined),
      undo: () => shq(CP, 'rm -f /usr/local/bin/getconf'),
    }),
    fault('the worker is a Raspberry Pi the inventory does not call one', { level: 'warning', code: 'board-mismatch', host: W, text: 'Raspberry Pi 5' }, {
      stage: () => lab.deviceTree(W, 'model', 'Raspberry Pi 5 Model B Rev 1.0'),
      undo: () => lab.deviceTree(W, 'model', undefined),
    }),
    fault('the inventory says arm64 for the (amd64) worker', { level: 'warning', code: 'arch-mismatch', host: W, text: 'arm64' }, {
      inventory: (y) => y.replace(/(k8s-worker-01:\n(?:    .*\n)*?    arch: )amd64/, '$1arm64'),
    }),
    fault('the worker runs kernel 4.14', { level: 'error', code: 'kernel-version', host: W, text: '4.14.98' }, {
      stage: () => sh(W, kernelRelease('4.14.98-v7+')).then(() => undefined),
      undo: () => shq(W, 'umount /proc/sys/kernel/osrelease; rm -f /run/lab-osrelease'),
    }),
    fault('containerd 1.5 on the control plane', { level: 'error', code: 'runtime-version', host: CP, text: '1.5' }, {
      stage: () => sh(CP, `printf '#!/bin/sh\\necho "containerd containerd.io 1.5.11 3df54a852345ae127d1fa3092b95168e4a88e2f8"\\n' > /usr/local/bin/containerd && chmod 755 /usr/local/bin/containerd`).then(() => undefined),
      undo: () => shq(CP, 'rm -f /usr/local/bin/containerd'),
    }),
    fault('something already listens on the worker\'s kubelet port', { level: 'error', code: 'port-in-use', host: W, text: 'python3' }, {
      stage: () => sh(W, 'setsid python3 -m http.server 10250 >/dev/null 2>&1 </dev/null & echo $! > /root/listener.i20; for i in $(seq 1 100); do ss -Hltn | grep -q ":10250 " && exit 0; sleep 0.2; done; exit 1').then(() => undefined),
      undo: () => shq(W, 'kill "$(cat /root/listener.i20)"; for i in $(seq 1 100); do ss -Hltn | grep -q ":10250 " || break; sleep 0.2; done; rm -f /root/listener.i20'),
    }),
    // Hosts that could not be checked.
    fault('an inventory host nothing answers for', { level: 'warning', code: 'unreachable', host: 'k8s-gone' }, {
      inventory: (y) => `${y}  k8s-gone:\n    address: 192.168.1.59\n    role: worker\n    arch: amd64\n`,
    }),
    fault('the login user may not sudo on the worker', { level: 'warning', code: 'probe-failed', host: W, text: 'sudo' }, {
      stage: () => sh(W, 'mv /etc/sudoers.d/provision-lab /root/sudoers.i20').then(() => undefined),
      undo: () => shq(W, 'mv /root/sudoers.i20 /etc/sudoers.d/provision-lab'),
    }),
  ];
}
