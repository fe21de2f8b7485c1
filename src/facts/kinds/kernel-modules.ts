// Fact kind `kernel-modules`: which of the named kernel modules the running kernel has (loaded or built in).
import { quote } from '../../core/command.js';
import type { FactKind } from '../../core/types.js';

/** modprobe treats '-' and '_' alike; the kernel names modules with '_' (/sys/module, lsmod). */
export const canonModule = (name: string) => name.replace(/-/g, '_');

/**
 * The one meaning of "loaded": the running kernel has the module, so `modprobe` would change nothing.
 * - /sys/module/NAME exists: every loaded module, and built-ins that have parameters (shell builtins, no process);
 * - else the name is in /lib/modules/$(uname -r)/modules.builtin: built-ins without parameters have no /sys/module
 *   entry (one grep, only when a name is missing above);
 * - else `lsmod` lists it. On a real kernel this adds nothing (a loaded module always has /sys/module/NAME); it is
 *   asked only for names still missing, because the lab's modprobe stand-in records there (a lab host shares the
 *   machine's /sys).
 */
function script(args: { names: string[] }): string {
  const names = [...new Set(args.names.map(canonModule))];
  // A built-in's path names the file: br_netfilter may be br-netfilter.ko; both spellings match.
  const alts = names.map((n) => n.replace(/_/g, '[-_]')).join('|');
  return [
    `m=; for n in ${names.map(quote).join(' ')}; do if [ -d "/sys/module/$n" ]; then echo "sys $n"; else m=1; fi; done`,
    // Runs in the probe's own shell: no `exit`, the programs only when a name is missing.
    'if [ -n "$m" ]; then',
    '  r=; read -r r < /proc/sys/kernel/osrelease',
    `  echo '--- builtin'; grep -E ${quote(`(^|/)(${alts})\\.ko`)} "/lib/modules/$r/modules.builtin" 2>/dev/null`,
    "  echo '--- lsmod'; lsmod 2>/dev/null",
    'fi',
    'true',
  ].join('\n');
}

export const kernelModules: FactKind<{ names: string[] }, { loaded: string[] }> = {
  name: 'kernel-modules',
  about: 'of the named kernel modules, those the running kernel has: /sys/module/NAME, else modules.builtin, else lsmod',
  script,
  parse(out, args) {
    const have = new Set<string>();
    let section = 'sys';
    for (const line of out.stdout.split('\n')) {
      const text = line.trim();
      if (text === '--- builtin' || text === '--- lsmod') section = text.slice(4);
      else if (!text) continue;
      else if (section === 'sys' && text.startsWith('sys ')) have.add(canonModule(text.slice(4)));
      else if (section === 'builtin') have.add(canonModule(text.split('/').pop()!.replace(/\.ko(\.\w+)?$/, '')));
      else if (section === 'lsmod' && !text.startsWith('Module ')) have.add(canonModule(text.split(/\s+/)[0]!));
    }
    return { loaded: args.names.filter((n) => have.has(canonModule(n))) };
  },
  shown: () => ({ names: ['overlay', 'br_netfilter'] }),
};
