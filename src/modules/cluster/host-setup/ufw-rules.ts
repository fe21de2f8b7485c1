// The ufw path of the firewall: which `ufw allow` commands are missing, read from `ufw status`.
import type { PortRule } from '../../../cluster/firewall-rules.js';

export interface UfwStatus {
  active: boolean;
  /** "to|from" keys of ALLOW rules, IPv4 lines only: "22/tcp|Anywhere", "8472/udp|10.4.0.0/20". */
  allows: Set<string>;
}

export function parseUfwStatus(stdout: string): UfwStatus {
  const lines = stdout.split('\n');
  const active = /^Status:\s*active\b/m.test(stdout);
  const allows = new Set<string>();
  for (const line of lines) {
    if (/\(v6\)/.test(line)) continue;
    const cols = line.trim().split(/\s{2,}/);
    if (cols.length < 3 || !/^ALLOW/.test(cols[1]!)) continue;
    allows.add(`${cols[0]}|${cols[2]}`);
  }
  return { active, allows };
}

/** ufw writes port ranges with ':' and has no IP-in-IP protocol. */
const ufwPort = (p: string) => p.replace('-', ':');

/** One argv per port spec and source, plus the status keys that prove it is there. */
export function ufwCommands(rule: PortRule): Array<{ argv: string[]; keys: string[] }> {
  if (rule.proto === 'ipip') return [];
  const sources: Array<string | undefined> = rule.from ?? [undefined];
  return rule.ports.flatMap((port) => sources.map((src) => {
    const p = ufwPort(port);
    const from = src ?? 'Anywhere';
    // "22" (both protocols) also satisfies 22/tcp.
    const keys = [`${p}/${rule.proto}|${from}`, `${p}|${from}`];
    const argv = src
      ? ['ufw', 'allow', 'proto', rule.proto, 'from', src, 'to', 'any', 'port', p, 'comment', `provision: ${rule.why}`]
      : ['ufw', 'allow', `${p}/${rule.proto}`, 'comment', `provision: ${rule.why}`];
    return { argv, keys };
  }));
}

/** The missing rules in order (SSH is rules[0], so it is always added first). */
export function missingUfwCommands(rules: PortRule[], status: UfwStatus): string[][] {
  return rules.flatMap(ufwCommands).filter((c) => !c.keys.some((k) => status.allows.has(k))).map((c) => c.argv);
}
