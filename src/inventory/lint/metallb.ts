// MetalLB: when routes to the pool are given, together they must cover the whole pool.
import { cidrSpan, intToIp, rangeSpan, showRange, type Span } from '../ipv4.js';
import type { LintCheck } from './context.js';

/** The part of `s` that no span in `cover` contains, as the first uncovered sub-range (or undefined). */
function firstGap(s: Span, cover: Span[]): Span | undefined {
  let next = s.first;
  for (const c of [...cover].sort((a, b) => a.first - b.first)) {
    if (c.last < next) continue;
    if (c.first > next) break;
    next = c.last + 1;
    if (next > s.last) return undefined;
  }
  if (next > s.last) return undefined;
  const after = cover.filter((c) => c.first > next).map((c) => c.first - 1);
  return { first: next, last: Math.min(s.last, ...after) };
}

export const checkMetallbRoute: LintCheck = (ctx) => {
  const m = ctx.inv.network.metallb;
  if (!m?.route) return;
  const routes = m.route.map(cidrSpan);
  m.pool.forEach((r, i) => {
    const gap = firstGap(rangeSpan(r), routes);
    if (!gap) return;
    const missing = gap.first === gap.last ? intToIp(gap.first) : `${intToIp(gap.first)}-${intToIp(gap.last)}`;
    ctx.report('error', 'metallb-unrouted', `MetalLB pool ${showRange(r)} is only partly routed by ${m.route!.join(', ')}: ${missing} is not`, ['network', 'metallb', 'route'],
      'Services given those addresses are unreachable: route the whole pool, or shrink the pool to the routed CIDRs');
  });
};
