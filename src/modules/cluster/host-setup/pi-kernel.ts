// What the running Raspberry Pi kernel proves: memory cgroup on (v1 or v2) and the page size; config.txt's kernel= fix.
import { managedBlock } from '../../support/managed-block.js';

/**
 * One exec: the cgroup hierarchy and whether it has the memory controller, the running command line, and the
 * page size. Raspberry Pi kernels ≥ 6.12 have no `memory` row in /proc/cgroups at all, so v2's
 * cgroup.controllers is the evidence there.
 */
export const PI_KERNEL_SCRIPT = [
  'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then',
  '  echo "cgroup=v2"; if grep -qw memory /sys/fs/cgroup/cgroup.controllers; then echo "memory=1"; else echo "memory=0"; fi',
  'else',
  '  echo "cgroup=v1"; echo "memory=$(awk \'$1=="memory"{print $4}\' /proc/cgroups 2>/dev/null)"',
  'fi',
  'echo "cmdline=$(cat /proc/cmdline 2>/dev/null)"',
  'echo "pagesize=$(getconf PAGESIZE 2>/dev/null)"',
].join('\n');

export interface PiKernel {
  /** true: the running kernel has the memory controller; false: it has not; undefined: no evidence. */
  memory?: boolean;
  cmdline: string[];
  pageSize?: number;
}

export function parsePiKernel(stdout: string): PiKernel {
  const kv = new Map(stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const));
  const mem = kv.get('memory');
  const page = Number(kv.get('pagesize'));
  return {
    ...(mem === '1' ? { memory: true } : mem === '0' ? { memory: false } : {}),
    cmdline: (kv.get('cmdline') ?? '').split(/\s+/).filter(Boolean),
    ...(Number.isInteger(page) && page > 0 ? { pageSize: page } : {}),
  };
}

/** The Pi 5's default kernel (kernel_2712.img, `uname -r` ending in 16k) uses 16K pages; many images assume 4K. */
export function has16kPages(k: PiKernel, release: string): boolean {
  return k.pageSize !== undefined ? k.pageSize === 16384 : /16k$/.test(release);
}

export const CONFIG_TXT_PATHS = ['/boot/firmware/config.txt', '/boot/config.txt'];
const MARKER = 'provision kernel';

/** Bookworm's /boot/config.txt is a stub pointing at /boot/firmware: not the file the firmware reads. */
export function isStub(content: string): boolean {
  return /has moved to \/boot\/firmware/.test(content);
}

/** config.txt with a block that selects the 4K-page kernel for every model ([all] ends any earlier [pi5] filter). */
export function withKernel8(content: string): string {
  return managedBlock({ current: content, block: '[all]\nkernel=kernel8.img\n', marker: MARKER });
}

export function asksKernel8(content: string): boolean {
  return /^\s*kernel=kernel8\.img\s*$/m.test(content);
}
