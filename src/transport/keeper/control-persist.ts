// The user's own OpenSSH config decides, when no --persist does: `ControlMaster` with `ControlPersist` for a host
// (as ssh -G resolves them) keeps provision's connection to it that long, as it keeps ssh's.
import type { SshOptions } from '../ssh-g.js';

/** `ControlPersist yes` keeps ssh's master until it is killed; provision's keeper stays this long at most. */
export const PERSIST_YES_MS = 24 * 3600 * 1000;

/** How long the config keeps a host's connection after its last use, or undefined when it does not. */
export function controlPersistMs(options: SshOptions): number | undefined {
  const master = options.controlmaster?.[0]?.toLowerCase();
  const persist = options.controlpersist?.[0]?.toLowerCase();
  // ControlPersist without ControlMaster does nothing in ssh either.
  if (!master || !['true', 'yes', 'auto', 'ask', 'autoask'].includes(master)) return undefined;
  if (!persist || persist === 'no' || persist === 'false') return undefined;
  if (persist === 'yes' || persist === 'true') return PERSIST_YES_MS;
  // ssh -G prints seconds; a config read without ssh may still say "10m" or "1h30m".
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  let total = 0;
  for (const m of persist.matchAll(/(\d+)([smhdw]?)/g)) total += Number(m[1]) * units[m[2]!]!;
  if (!/^(\d+[smhdw]?)+$/.test(persist) || total <= 0) return undefined;
  return Math.min(total * 1000, PERSIST_YES_MS);
}
