// Module `haproxy`: the Kubernetes API load balancer on lb hosts (config validated, reloaded only on change).
import { z } from 'zod';
import type { Change, Module } from '../../core/types.js';
import { change, combineChanges, execStep, noop, planFile } from '../support/index.js';
import { renderHaproxyConfig } from '../../cluster/haproxy-config.js';
import { HAPROXY_CFG } from '../../cluster/paths.js';

const port = z.number().int().min(1).max(65535);
const schema = z.strictObject({
  /** The kube-apiserver port on the control planes (default 6443). */
  backendPort: port.optional(),
  /** Stats page (/stats) and Prometheus metrics (/metrics) port (default 8404). */
  statsPort: port.optional(),
});
type Params = z.infer<typeof schema>;

function planService(ctx: Parameters<Module<Params>['plan']>[1], configChanged: boolean): Change {
  const svc = ctx.facts.service('haproxy');
  const steps = [];
  if (!svc.enabled) steps.push(execStep(['systemctl', 'enable', 'haproxy']));
  // Facts are read before the play: Debian's haproxy package, installed by an earlier task of this run, has since
  // started haproxy with its own config, and `start` would leave it so. reload-or-restart starts a stopped one too.
  if (!svc.active) steps.push(execStep(['systemctl', configChanged ? 'reload-or-restart' : 'start', 'haproxy']));
  else if (configChanged) steps.push(execStep(['systemctl', 'reload', 'haproxy']));
  if (steps.length === 0) return noop(ctx, 'haproxy enabled and running');
  const what = svc.active ? 'reload haproxy (config changed)' : 'start haproxy';
  return change(ctx, { action: 'run', summary: svc.enabled ? what : `enable and ${what}`, steps });
}

const haproxy: Module<Params> = {
  name: 'haproxy',
  schema,
  probe: () => [
    { kind: 'file', path: HAPROXY_CFG },
    { kind: 'service', name: 'haproxy' },
  ],
  plan(params, ctx) {
    const api = ctx.inventory.network.api;
    if (api.mode !== 'haproxy') return noop(ctx, `API endpoint mode is ${api.mode}: no HAProxy needed`);
    if (ctx.host.role !== 'lb') return noop(ctx, `${ctx.host.name} is a ${ctx.host.role}: HAProxy runs on lb hosts`);
    const want = renderHaproxyConfig({ inventory: ctx.inventory, backendPort: params.backendPort, statsPort: params.statsPort });
    const config = planFile({
      ctx,
      path: HAPROXY_CFG,
      want,
      fact: ctx.facts.file(HAPROXY_CFG),
      mode: 0o644,
      validate: ['haproxy', '-c', '-f', '%s'],
      label: `${HAPROXY_CFG} (API ${api.port} → ${ctx.inventory.hosts.filter((h) => h.role === 'control-plane').length} control planes)`,
    });
    return combineChanges(ctx, [config, planService(ctx, config.action !== 'noop')]);
  },
};

export default haproxy;
