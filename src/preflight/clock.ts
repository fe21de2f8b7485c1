// Rules on time: each host's clock against the laptop's (bounded by when the probe left and answered), and a sync daemon.
import type { PreflightRule } from './context.js';

/** Above this offset: a warning (etcd warns at 1 s of drift between members). */
export const SKEW_WARN_SECONDS = 2;
/** Above this offset: an error (certificates not yet valid, leases expiring early). */
export const SKEW_ERROR_SECONDS = 30;

/**
 * The host read its clock between sentAt and answeredAt (laptop time): the offset is at least how far outside that
 * window the host's reading lies, so a slow link or sudo never counts as skew.
 */
export function clockOffset(clock: number, sentAt: number, answeredAt: number, error = 0): number {
  // The true reading lies in [clock, clock + error]: the offset counts only what lies outside the window either way.
  if (clock + error < sentAt) return clock + error - sentAt;
  if (clock > answeredAt) return clock - answeredAt;
  return 0;
}

export const checkClock: PreflightRule = (ctx) => {
  for (const { host, facts, sentAt, answeredAt } of ctx.probed) {
    if (facts.clock !== undefined && sentAt !== undefined && answeredAt !== undefined) {
      const off = clockOffset(facts.clock, sentAt, answeredAt, facts.clockError ?? 0);
      const abs = Math.abs(off);
      if (abs > SKEW_WARN_SECONDS) {
        const dir = off > 0 ? 'ahead of' : 'behind';
        ctx.report(abs > SKEW_ERROR_SECONDS ? 'error' : 'warning', 'clock-skew', host.name, `the clock is at least ${abs.toFixed(1)} s ${dir} this machine's`,
          'etcd and TLS need synchronised clocks: enable NTP on the node (systemd-timesyncd or chrony) and check this machine\'s clock too');
      }
    }
    if (facts.timeSync.length > 0) continue;
    if (facts.container) {
      // systemd skips systemd-timesyncd in a container (up leaves it enabled and skipped): the clock is the machine's.
      ctx.report('info', 'time-sync', host.name, `no time-sync daemon is running: the host is a container (${facts.container}), its clock that of the machine it runs on`,
        'keep that machine\'s clock in sync (chrony or systemd-timesyncd there); systemd does not start systemd-timesyncd in a container');
    } else {
      ctx.report('warning', 'time-sync', host.name, 'no time-sync daemon is running (chronyd, systemd-timesyncd, ntpd, openntpd)',
        '`provision up` installs and starts systemd-timesyncd; on a host that keeps its own, start chrony or ntpd');
    }
  }
};
