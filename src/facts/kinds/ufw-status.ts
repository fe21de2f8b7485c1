// Fact kind `ufw-status`: whether ufw filters, and its IPv4 ALLOW rules (`ufw status`).
import type { FactKind } from '../../core/types.js';

export interface UfwStatus {
  active: boolean;
  /** "to|from" keys of ALLOW rules, IPv4 lines only: "22/tcp|Anywhere", "8472/udp|10.4.0.0/20". */
  allows: string[];
}

export function parseUfwStatus(stdout: string): UfwStatus {
  const active = /^Status:\s*active\b/m.test(stdout);
  const allows: string[] = [];
  for (const line of stdout.split('\n')) {
    if (/\(v6\)/.test(line)) continue;
    const cols = line.trim().split(/\s{2,}/);
    if (cols.length < 3 || !/^ALLOW/.test(cols[1]!)) continue;
    allows.push(`${cols[0]}|${cols[2]}`);
  }
  return { active, allows: [...new Set(allows)] };
}

export const ufwStatus: FactKind<undefined, UfwStatus> = {
  name: 'ufw-status',
  about: 'ufw active or not, and its IPv4 ALLOW rules (ufw status)',
  script: () => 'command -v ufw >/dev/null 2>&1 && ufw status 2>/dev/null',
  parse: (out) => parseUfwStatus(out.stdout),
  shown: () => undefined,
};
