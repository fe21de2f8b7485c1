// Rules on each host's system: cgroups, swap, /var space, page size and board, kernel and container runtime versions.
import type { PreflightRule } from './context.js';

/** Below this, /var cannot hold the control-plane images and etcd: an error. */
export const VAR_MIN_GIB = 2;
/** Below this, image garbage collection will run constantly: a warning. */
export const VAR_WARN_GIB = 8;
/** kubeadm's system verification (k8s.io/system-validators) accepts kernels from 4.19 on. */
export const KERNEL_MIN: [number, number] = [4, 19];
/** Kubernetes 1.26 dropped CRI v1alpha2: containerd 1.6 is the oldest that speaks CRI v1. */
export const CONTAINERD_MIN: [number, number] = [1, 6];

const version = (text: string | undefined): [number, number] | undefined => {
  const m = /(?:^|[^\d.])v?(\d+)\.(\d+)(?:\.\d+)?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
};
const older = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

export const checkSystem: PreflightRule = (ctx) => {
  const k8s = version(ctx.inv.cluster.kubernetes) ?? [1, 0];
  for (const { host, facts } of ctx.probed) {
    if (host.role === 'lb') continue; // not a Kubernetes node
    const report = (level: 'error' | 'warning' | 'info', code: string, message: string, hint: string) => ctx.report(level, code, host.name, message, hint);
    const pi = host.board === 'raspberry-pi';
    // cgroups
    if (facts.cgroup.version === 1) {
      const gone = !older(k8s, [1, 35]);
      report(gone ? 'error' : 'warning', 'cgroup-v1', `cgroup v1: Kubernetes ${ctx.inv.cluster.kubernetes} ${gone ? 'no longer starts the kubelet on it' : 'keeps it in maintenance only (1.35 refuses it)'}`,
        'boot with the unified hierarchy (systemd.unified_cgroup_hierarchy=1, the default on Debian 12)');
    }
    if (facts.cgroup.memory === false) {
      report(pi ? 'warning' : 'error', 'cgroup-memory', 'the memory cgroup controller is disabled: the kubelet cannot start without it',
        pi ? '`provision up` adds cgroup_enable=memory to /boot/firmware/cmdline.txt and reboots the Pi' : 'remove cgroup_disable=memory from the kernel command line');
    }
    if (facts.swaps.length > 0) report('info', 'swap', `swap is on (${facts.swaps.join(', ')})`, '`provision up` turns swap off and comments it out of /etc/fstab (the kubelet refuses swap by default)');
    if (facts.varFreeKiB !== undefined) {
      const gib = facts.varFreeKiB / 1024 / 1024;
      if (gib < VAR_WARN_GIB) {
        report(gib < VAR_MIN_GIB ? 'error' : 'warning', 'var-space', `${gib.toFixed(1)} GiB free on /var (containerd's images and etcd live there; ${VAR_WARN_GIB} GiB or more is comfortable)`,
          'free space or grow the file system that holds /var (on a Pi: a bigger SD card or an SSD)');
      }
    }
    // page size and board
    if (facts.pageSize !== undefined && facts.pageSize !== 4096 && (facts.arch === 'arm64' || /raspberry pi/i.test(facts.model ?? ''))) {
      report('error', 'page-size', `the kernel uses ${facts.pageSize / 1024}K pages${facts.model ? ` (${facts.model})` : ''}: many container images (jemalloc, etcd's bbolt on some builds) crash on anything but 4K`,
        'on a Raspberry Pi 5 add `kernel=kernel8.img` to /boot/firmware/config.txt and reboot (the 4K-page kernel)');
    }
    const isPi = /raspberry pi/i.test(facts.model ?? '');
    if (pi && !isPi) report('warning', 'board-mismatch', `the inventory says board raspberry-pi, the host reports ${facts.model ? `'${facts.model}'` : 'no device-tree model'}`, 'fix the inventory board (up edits the Pi boot files only on Pis)');
    if (!pi && isPi) report('warning', 'board-mismatch', `the host is a '${facts.model}', the inventory does not say board: raspberry-pi`, 'add board: raspberry-pi so that up enables the memory cgroup in cmdline.txt');
    if (host.arch && facts.arch && host.arch !== facts.arch) report('warning', 'arch-mismatch', `the inventory says arch ${host.arch}, the host's dpkg architecture is ${facts.arch}`, 'fix the inventory arch (up installs packages of the host\'s own architecture)');
    // versions
    const kernel = version(facts.kernel);
    if (kernel && older(kernel, KERNEL_MIN)) report('error', 'kernel-version', `kernel ${facts.kernel} is older than ${KERNEL_MIN.join('.')}, the oldest kubeadm accepts`, 'upgrade the OS (Debian 12 ships 6.1)');
    const ctr = version(facts.containerd);
    if (facts.containerd && ctr && older(ctr, CONTAINERD_MIN)) {
      report('error', 'runtime-version', `containerd ${ctr.join('.')} is older than ${CONTAINERD_MIN.join('.')}: Kubernetes ${ctx.inv.cluster.kubernetes} needs CRI v1`, 'remove the old containerd: `provision up` installs a current one');
    }
  }
};
