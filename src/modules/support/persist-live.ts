// The one "persist a file, then apply live" planner: a file that makes a setting last across reboots, plus the
// steps that make it true now (sysctl -w, modprobe, ip route add...). One change: write first, then apply.
import type { Change, PlanContext, Step } from '../../core/types.js';
import { change, noop } from './change.js';

export interface PersistLiveSpec {
  ctx: PlanContext;
  /** What is managed, for summaries: "sysctl net.ipv4.ip_forward = 1", "kernel modules overlay, br_netfilter". */
  subject: string;
  /** planFile's change for the file read at boot. */
  persist: Change;
  /** What makes it true now; empty when the live state already is. */
  live: Step[];
  /** The live part in words, e.g. "modprobe br_netfilter", "apply live (now 0)". */
  liveWhat: string;
  /** Appended to the subject when nothing is to do, e.g. "(live, and persisted in /etc/sysctl.d/x.conf)". */
  holds: string;
  /** The action when only the live part is to do (default 'update': a setting changed; metallb-route: 'create', a route added). */
  liveAction?: 'create' | 'update';
}

export function planPersistLive(s: PersistLiveSpec): Change {
  const { ctx, persist } = s;
  if (persist.action === 'noop' && s.live.length === 0) return noop(ctx, `${s.subject} ${s.holds}`);
  const what = [persist.action === 'noop' ? '' : persist.summary, s.live.length > 0 ? s.liveWhat : ''].filter(Boolean);
  return change(ctx, {
    action: persist.action === 'noop' ? (s.liveAction ?? 'update') : persist.action,
    summary: `${s.subject}: ${what.join('; ')}`,
    steps: [...persist.steps, ...s.live],
    ...(persist.diff ? { diff: persist.diff } : {}),
  });
}
