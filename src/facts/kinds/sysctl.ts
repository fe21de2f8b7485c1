// Fact kind `sysctl`: the live values of named kernel parameters, as `sysctl` prints them (whitespace collapsed).
import { quote } from '../../core/command.js';
import type { FactKind } from '../../core/types.js';

/**
 * ONE `sysctl KEY...` for every key (a procfs integer cannot be read with dash's `read`, which reads a byte at a time
 * and sees EOF past offset 0): it prints "key = value" for each key it can read, in order, and complains on stderr
 * about the others. Keys given with '/' come back with '.'.
 */
function script(args: { names: string[] }): string {
  return `sysctl ${args.names.map(quote).join(' ')} 2>/dev/null; true`;
}

export const normalizeSysctl = (s: string) => s.trim().split(/\s+/).join(' ');

/**
 * procps' slashdot(): a key whose first separator is already `to` stays as it is; otherwise every '.' and '/' swap
 * ("net.ipv4.conf.eth0/100.rp_filter" is the file net/ipv4/conf/eth0.100/rp_filter).
 */
function slashdot(key: string, from: '.' | '/', to: '.' | '/'): string {
  const first = /[./]/.exec(key)?.[0];
  if (first === undefined || first === to) return key;
  return key.replace(/[./]/g, (c) => (c === from ? to : from));
}

/** sysctl's own spelling of a key, as it prints it. */
const dotted = (k: string) => slashdot(k, '/', '.');

/** The procfs file sysctl reads for a key. */
export const sysctlPath = (k: string) => `/proc/sys/${slashdot(k, '.', '/')}`;

/** A key that can ride in the probe's awk (packages.ts): letters, digits and . / _ - only, no '..'. */
export const plainSysctlName = (k: string) => /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(k) && !k.includes('..');

/**
 * The probe's awk (probe-packages.ts) reads the keys instead of a `sysctl` process, printing `sysctl`'s lines: the
 * pairs it takes (sysctl's name for the key, its file), or undefined when a key is not plain.
 */
export function sysctlAwkPairs(names: readonly string[]): Array<[string, string]> | undefined {
  if (!names.every(plainSysctlName)) return undefined;
  return names.map((n) => [dotted(n), sysctlPath(n)]);
}

/** name → value; null when the key could not be read (absent: its module not loaded, or a typo). */
export const sysctl: FactKind<{ names: string[] }, Record<string, string | null>> = {
  name: 'sysctl',
  about: 'live values of named kernel parameters (one sysctl call)',
  script,
  parse(out, args) {
    const values = new Map<string, string[]>();
    let key: string | undefined;
    for (const line of out.stdout.split('\n')) {
      const eq = line.indexOf(' = ');
      // A value line of a multi-line value has no " = " at a key position: it continues the previous key.
      if (eq > 0 && !/\s/.test(line.slice(0, eq))) values.set((key = line.slice(0, eq)), [line.slice(eq + 3)]);
      else if (key !== undefined && line.trim() !== '') values.get(key)!.push(line);
    }
    return Object.fromEntries(args.names.map((n) => {
      const v = values.get(dotted(n));
      return [n, v && v.join(' ').trim() !== '' ? normalizeSysctl(v.join(' ')) : null];
    }));
  },
  shown: () => ({ names: ['net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables'] }),
};
