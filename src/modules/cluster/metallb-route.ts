// The `metallb-route` module: the MetalLB pool routed on the node's primary interface, persisted and live (planPersistLive).
import { z } from 'zod';
import type { BaseFacts, Change, FileFact, Module, PlanContext, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { planPersistLive } from '../support/persist-live.js';
import { execStep } from '../support/command.js';
import { planFile } from '../support/plan-file.js';
import { declareFact } from '../../facts/declare.js';
import { primaryLink, type LinkProbe, type PrimaryLinkArgs } from '../../facts/kinds/primary-link.js';
import { describeRoute, findRoute, routeArgv, type RouteFact } from '../support/route.js';
import { cidrInside, dstProblem, normalizeDst } from '../../inventory/ipv4.js';
import { poolRouteCidrs } from '../../cluster/pool-cidrs.js';
import { findNetplanId } from './host-setup/netplan-ids.js';
import {
  IFUPDOWN_HOOK, NETPLAN_DROPIN, NETWORKD_DROPIN_NAME, networkdDropinPath, renderIfupdownHook, renderNetplanDropin, renderNetworkdDropin,
} from './host-setup/route-persistence.js';

const cidr = z.string().refine((s) => dstProblem(s) === undefined && s.includes('.'), 'must be an IPv4 network like 10.4.11.0/24');

const schema = z.strictObject({
  /** Override the CIDRs (default: inventory metallb.route, else the exact CIDR cover of the pool). */
  routes: z.array(cidr).min(1).optional(),
  /** Override the interface (default: the primary interface from the facts). */
  interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be a network interface name like eth0').optional(),
});

export type MetallbRouteParams = z.output<typeof schema>;

/** The primary-link fact as this module declares it (our own drop-in names are left out of what it reads). */
export const linkArgs = (gateway: string): PrimaryLinkArgs => ({ gateway, ownNetplanFile: NETPLAN_DROPIN.split('/').pop()!, networkdDropinName: NETWORKD_DROPIN_NAME });

/** A wider gateway-less route on the interface (the LAN's own kernel route) already reaches the CIDR on-link. */
function onLinkVia(routes: RouteFact[], iface: string, dst: string): RouteFact | undefined {
  return routes.find((r) => {
    const d = normalizeDst(r.dst);
    if (!d || d === '0.0.0.0/0' || r.gateway || r.dev !== iface || d === dst) return false;
    return cidrInside(dst, d);
  });
}

interface Decision {
  manage: string[];
  skipped: string[];
}

function decide(cidrs: string[], base: BaseFacts, iface: string, nodes: string): Decision {
  const out: Decision = { manage: [], skipped: [] };
  for (const c of cidrs) {
    const via = onLinkVia(base.routes, iface, c);
    if (via && cidrInside(c, nodes)) out.skipped.push(`${c} is inside the node LAN ${nodes}, on-link via ${describeRoute(via)}`);
    else if (via) out.skipped.push(`${c} is already on-link via ${describeRoute(via)}`);
    else out.manage.push(c);
  }
  return out;
}

/** The live routes that are missing (the persisted file or connection only applies at the next boot). */
function liveSteps(ctx: PlanContext, iface: string, cidrs: string[]): { steps: Step[]; what: string } {
  const missing = cidrs.filter((c) => !findRoute(ctx.facts.base.routes, { dst: c, dev: iface }));
  return {
    steps: missing.map((c) => execStep([...routeArgv({ dst: c, dev: iface }), 'scope', 'link'])),
    what: `live: add ${missing.map((c) => `route ${c} dev ${iface}`).join(', ')}`,
  };
}

function withSteps(ch: Change, after: Step[]): Change {
  return ch.action === 'noop' ? ch : { ...ch, steps: [...ch.steps, ...after] };
}

function planPersist(ctx: PlanContext, iface: string, cidrs: string[], link: LinkProbe): Change {
  const stack = ctx.facts.base.networkStack;
  switch (stack) {
    case 'ifupdown':
      return planFile({ ctx, path: IFUPDOWN_HOOK, want: renderIfupdownHook(iface, cidrs), fact: ctx.facts.file(IFUPDOWN_HOOK), mode: 0o755, label: `ifupdown hook ${IFUPDOWN_HOOK}` });
    case 'netplan': {
      const target = findNetplanId(link.netplanFiles, iface, link.mac);
      // `netplan generate` checks the merged config and renders the backend files for the next boot;
      // no `netplan apply` (it can bounce the link and drop SSH) — the live route is already set.
      return withSteps(
        planFile({ ctx, path: NETPLAN_DROPIN, want: renderNetplanDropin(target, cidrs), fact: ctx.facts.file(NETPLAN_DROPIN), mode: 0o600, label: `netplan drop-in ${NETPLAN_DROPIN}${target.id === iface ? '' : ` (into netplan ID ${target.id}, which defines ${iface})`}` }),
        [execStep(['netplan', 'generate'])],
      );
    }
    case 'systemd-networkd': {
      const path = networkdDropinPath(link.networkdFile, iface);
      const fact: FileFact = link.networkdDropin === undefined ? { exists: false } : { exists: true, content: link.networkdDropin };
      const label = `networkd drop-in ${path}${link.networkdFile ? '' : ` (warning: networkd reported no .network file for ${iface})`}`;
      // No `networkctl reload`: it reconfigures the link, and networkd 252 (bookworm) then re-adds the gateway route
      // before the address and fails the link ("Nexthop has invalid gateway", SSH lost; seen on a booted lab host).
      // The live route is already set; the drop-in applies at the next boot.
      return planFile({ ctx, path, want: renderNetworkdDropin(cidrs), fact, label });
    }
    case 'networkmanager': {
      if (!link.nmConnection) {
        throw new Error(`NetworkManager manages this host but no connection is active on ${iface}; activate one (nmcli device connect ${iface}) and re-run`);
      }
      const have = new Set(link.nmRoutes.map((r) => normalizeDst(r)));
      const missing = cidrs.filter((c) => !have.has(c));
      const con = link.nmConnection;
      if (missing.length === 0) return noop(ctx, `NetworkManager connection '${con}' has ipv4.routes ${cidrs.join(', ')}`);
      const steps = missing.map((c) => execStep(['nmcli', 'connection', 'modify', con, '+ipv4.routes', c]));
      return change(ctx, { action: 'update', summary: `NetworkManager connection '${con}': add ipv4.routes ${missing.join(', ')}`, steps });
    }
    case 'unknown':
      return noop(ctx, `warning: network stack unknown, ${cidrs.join(', ')} not persisted (live only; lost on reboot)`);
  }
}

const metallbRoute: Module<MetallbRouteParams> = {
  name: 'metallb-route',
  schema,
  probe: (_p, ctx) => [
    declareFact(primaryLink, linkArgs(ctx.inventory.network.gateway)),
    { kind: 'file', path: IFUPDOWN_HOOK },
    { kind: 'file', path: NETPLAN_DROPIN },
  ],
  plan: (p, ctx) => {
    const cidrs = (p.routes ?? poolRouteCidrs(ctx.inventory)).map((c) => normalizeDst(c)!);
    if (cidrs.length === 0) return noop(ctx, 'no MetalLB pool in the inventory: no route needed');
    const link = ctx.facts.fact(primaryLink, linkArgs(ctx.inventory.network.gateway));
    const iface = p.interface ?? ctx.facts.base.primaryInterface ?? link.dev;
    if (!iface) throw new Error(`cannot tell the primary interface (no route to ${ctx.inventory.network.gateway}); set the task's interface param`);
    const { manage, skipped } = decide(cidrs, ctx.facts.base, iface, ctx.inventory.network.nodes);
    const why = skipped.length ? `skipped ${skipped.join('; ')}` : '';
    if (manage.length === 0) return noop(ctx, `no MetalLB route needed: ${why}`);
    // Persisted first (file or connection), then made true now: one change through the shared planner.
    const persist = planPersist(ctx, iface, manage, link);
    const live = liveSteps(ctx, iface, manage);
    const unpersisted = ctx.facts.base.networkStack === 'unknown' ? ` (${persist.summary})` : '';
    const planned = planPersistLive({
      ctx,
      subject: `MetalLB route ${manage.join(', ')} dev ${iface}`,
      persist,
      live: live.steps,
      liveWhat: `${live.what}${unpersisted}`,
      holds: `(live: present; ${persist.summary})`,
      liveAction: 'create',
    });
    return why ? { ...planned, summary: `${planned.summary} (${why})` } : planned;
  },
};

export default metallbRoute;
