// Fact kind `pi-kernel`: what the running kernel proves for kubelet on a Raspberry Pi: memory cgroup on, command line, page size.
import type { FactKind } from '../../core/types.js';

/**
 * Shell builtins only (no process): the cgroup hierarchy and whether it has the memory controller, the running command
 * line, and the page size. Raspberry Pi kernels ≥ 6.12 have no `memory` row in /proc/cgroups at all, so v2's
 * cgroup.controllers is the evidence there. These are seq files or strings (dash's byte-wise `read` sees them whole).
 * The page size is the kernel page size of the shell's first mapping (/proc/self/smaps' KernelPageSize, in kB): what
 * `getconf PAGESIZE` answers, without a process.
 */
export const PI_KERNEL_SCRIPT = [
  'if [ -f /sys/fs/cgroup/cgroup.controllers ]; then',
  '  echo "cgroup=v2"; c=; read -r c < /sys/fs/cgroup/cgroup.controllers',
  '  case " $c " in *" memory "*) echo "memory=1";; *) echo "memory=0";; esac',
  'else',
  '  echo "cgroup=v1"; c=; while read -r n h k e; do [ "$n" = memory ] && c=$e; done < /proc/cgroups; echo "memory=$c"',
  'fi',
  'c=; read -r c < /proc/cmdline; echo "cmdline=$c"',
  'c=; while read -r n k u; do [ "$n" = KernelPageSize: ] && { c=$((k * 1024)); break; }; done < /proc/self/smaps; echo "pagesize=$c"',
].join('\n');

/** PI_KERNEL_SCRIPT's read in the packages' awk (FactKind.awk): the same lines, the page size from awk's own smaps. */
export const PI_KERNEL_AWK = [
  '  c = ""; k = (getline c < "/sys/fs/cgroup/cgroup.controllers"); close("/sys/fs/cgroup/cgroup.controllers")',
  '  if (k >= 0) { print "cgroup=v2"; print "memory=" ((" " c " ") ~ / memory / ? 1 : 0) }',
  '  else {',
  '    print "cgroup=v1"; m = ""',
  '    while ((getline l < "/proc/cgroups") > 0) { split(l, a, " "); if (a[1] == "memory") m = a[4] }',
  '    close("/proc/cgroups"); print "memory=" m',
  '  }',
  '  c = ""; getline c < "/proc/cmdline"; close("/proc/cmdline"); sub(/^[ \t]+/, "", c); sub(/[ \t]+$/, "", c); print "cmdline=" c',
  '  p = ""',
  '  while ((getline l < "/proc/self/smaps") > 0) { split(l, a, " "); if (a[1] == "KernelPageSize:") { p = a[2] * 1024; break } }',
  '  close("/proc/self/smaps"); print "pagesize=" p',
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

export const piKernel: FactKind<undefined, PiKernel> = {
  name: 'pi-kernel',
  about: 'cgroup version and memory controller, the running kernel command line, the page size',
  script: () => PI_KERNEL_SCRIPT,
  awk: () => PI_KERNEL_AWK,
  parse: (out) => parsePiKernel(out.stdout),
  shown: () => undefined,
};
