// The `route` module: a live route (`ip route replace`) checked against the routes the probe read.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { dstProblem, isIpAddress } from '../../inventory/ipv4.js';
import { describeRoute, findRoute, routeArgv, routesTo, type RouteSpec } from '../support/route.js';

const schema = z
  .strictObject({
    /** CIDR with host bits zero, or 'default'. */
    dst: z.string().superRefine((v, ctx) => {
      const problem = dstProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    dev: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$/, 'must be an interface name like eth0').optional(),
    via: z.string().refine((v) => isIpAddress(v), 'must be an IP address (the gateway)').optional(),
    state: z.enum(['present', 'absent']).default('present'),
  })
  .refine((p) => p.state === 'absent' || p.dev !== undefined || p.via !== undefined, { message: 'give dev, via, or both', path: ['dev'] });

export type RouteParams = z.output<typeof schema>;

const route: Module<RouteParams> = {
  name: 'route',
  schema,
  probe: () => [],
  plan: (p, ctx) => {
    const spec: RouteSpec = { dst: p.dst, ...(p.dev ? { dev: p.dev } : {}), ...(p.via ? { via: p.via } : {}) };
    const routes = ctx.facts.base.routes;
    const found = findRoute(routes, spec);
    if (p.state === 'absent') {
      if (!found) return noop(ctx, `no ${describeRoute(spec)}`);
      return change(ctx, { action: 'delete', summary: `delete ${describeRoute(found)}`, steps: [execStep(routeArgv(spec, 'del'))] });
    }
    if (found) return noop(ctx, `${describeRoute(spec)} present`);
    const other = routesTo(routes, p.dst)[0];
    return change(ctx, {
      action: other ? 'update' : 'create',
      summary: other ? `${describeRoute(spec)} (was ${describeRoute(other)})` : `add ${describeRoute(spec)}`,
      steps: [execStep(routeArgv(spec))],
    });
  },
};

export default route;
