// The ufw path of the firewall: which `ufw allow` commands are missing from what the ufw-status fact read.
import type { PortRule } from '../../../cluster/firewall-rules.js';
import type { UfwStatus } from '../../../facts/kinds/ufw-status.js';


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
  const allows = new Set(status.allows);
  return rules.flatMap(ufwCommands).filter((c) => !c.keys.some((k) => allows.has(k))).map((c) => c.argv);
}
