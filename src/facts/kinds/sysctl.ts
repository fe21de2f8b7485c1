// Fact kind `sysctl`: the live values of named kernel parameters, as `sysctl -n` prints them (whitespace collapsed).
import { quote } from '../../core/command.js';
import type { FactKind } from '../../core/types.js';

/** One `sysctl -n` per key (a procfs integer cannot be read with dash's `read`): `= KEY` then its value line. */
function script(args: { names: string[] }): string {
  return args.names.map((k) => `echo ${quote(`= ${k}`)}; sysctl -n ${quote(k)} 2>/dev/null`).join('\n');
}

export const normalizeSysctl = (s: string) => s.trim().split(/\s+/).join(' ');

/** name → value; null when the key could not be read (absent: its module not loaded, or a typo). */
export const sysctl: FactKind<{ names: string[] }, Record<string, string | null>> = {
  name: 'sysctl',
  about: 'live values of named kernel parameters (sysctl -n)',
  script,
  parse(out, args) {
    const values = new Map<string, string[]>();
    let key: string | undefined;
    for (const line of out.stdout.split('\n')) {
      if (line.startsWith('= ')) values.set((key = line.slice(2).trim()), []);
      else if (key !== undefined && line.trim() !== '') values.get(key)!.push(line);
    }
    return Object.fromEntries(args.names.map((n) => {
      const v = values.get(n);
      return [n, v && v.length > 0 ? normalizeSysctl(v.join(' ')) : null];
    }));
  },
  shown: () => ({ names: ['net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables'] }),
};
