// Route pieces shared by the route module and per-network-stack persistence (metallb-route); the IP math is inventory/ipv4.ts.
import { normalizeDst } from '../../inventory/ipv4.js';
import type { BaseFacts } from '../../core/types.js';

export type RouteFact = BaseFacts['routes'][number];

export interface RouteSpec {
  /** CIDR with host bits zero, e.g. 10.4.11.0/24; 'default' is 0.0.0.0/0. */
  dst: string;
  dev?: string;
  via?: string;
}

/** The routes of the host for this destination. */
export function routesTo(routes: RouteFact[], dst: string): RouteFact[] {
  const want = normalizeDst(dst);
  return routes.filter((r) => normalizeDst(r.dst) === want);
}

/** A route for dst that goes the wanted way (dev and gateway as given; unset parts match anything). */
export function findRoute(routes: RouteFact[], spec: RouteSpec): RouteFact | undefined {
  return routesTo(routes, spec.dst).find(
    (r) => (spec.dev === undefined || r.dev === spec.dev) && (spec.via === undefined || (r.gateway !== undefined && normalizeDst(r.gateway) === normalizeDst(spec.via))),
  );
}

/** 'ip route replace DST via GW dev DEV' as argv ('replace' adds or fixes in one idempotent call; 'del' only the matching route). */
export function routeArgv(spec: RouteSpec, verb: 'replace' | 'del' = 'replace'): string[] {
  const argv = ['ip', 'route', verb, spec.dst];
  if (spec.via) argv.push('via', spec.via);
  if (spec.dev) argv.push('dev', spec.dev);
  return argv;
}

/** 'route 10.4.11.0/24 via 192.168.1.1 dev eth0'. */
export function describeRoute(spec: RouteSpec | RouteFact): string {
  const via = 'via' in spec ? spec.via : (spec as RouteFact).gateway;
  return ['route', spec.dst, via ? `via ${via}` : '', spec.dev ? `dev ${spec.dev}` : ''].filter(Boolean).join(' ');
}
