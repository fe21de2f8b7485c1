// The `service` module (systemd): a unit enabled/disabled and started/stopped; restarted/reloaded as handlers.
import { z } from 'zod';
import type { Module, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';

const schema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9@._:\\-]*$/, 'must be a systemd unit name like containerd or kubelet.service'),
    enabled: z.boolean().optional(),
    /**
     * started/stopped converge; restarted/reloaded act EVERY time the task is planned, so use them in
     * handlers (run only when notified), or give `daemon_reload` with started for unit-file edits.
     */
    state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional(),
    /** `systemctl daemon-reload` before the other steps, only when there are other steps. */
    daemon_reload: z.boolean().default(false),
  })
  .refine((p) => p.enabled !== undefined || p.state !== undefined, { message: 'give enabled, state, or both', path: ['state'] });

export type ServiceParams = z.output<typeof schema>;

const service: Module<ServiceParams> = {
  name: 'service',
  schema,
  probe: (p) => [{ kind: 'service', name: p.name }],
  plan: (p, ctx) => {
    if (ctx.facts.base.initSystem !== 'systemd') throw new Error(`service ${p.name}: this host does not run systemd; the service module only drives systemd`);
    const f = ctx.facts.service(p.name);
    const systemctl = (verb: string) => execStep(['systemctl', verb, p.name]);
    const steps: Step[] = [];
    const what: string[] = [];
    if (p.enabled === true && !f.enabled) (steps.push(systemctl('enable')), what.push('enable'));
    if (p.enabled === false && f.enabled) (steps.push(systemctl('disable')), what.push('disable'));
    if (p.state === 'started' && !f.active) (steps.push(systemctl('start')), what.push('start'));
    if (p.state === 'stopped' && f.active) (steps.push(systemctl('stop')), what.push('stop'));
    if (p.state === 'restarted') (steps.push(systemctl('restart')), what.push('restart'));
    // reload of a stopped unit fails; starting it reads the new configuration anyway.
    if (p.state === 'reloaded') (steps.push(systemctl(f.active ? 'reload' : 'start')), what.push(f.active ? 'reload' : 'start'));
    const state = [f.active ? 'active' : 'inactive', f.enabled ? 'enabled' : 'not enabled'].join(', ');
    if (steps.length === 0) return noop(ctx, `service ${p.name} ${state}`);
    if (p.daemon_reload) steps.unshift(execStep(['systemctl', 'daemon-reload']));
    const unknown = f.exists ? '' : ' (unit not found when probed)';
    const action = p.state === 'restarted' || p.state === 'reloaded' ? 'run' : 'update';
    return change(ctx, { action, summary: `${what.join(' and ')} service ${p.name}${unknown}`, steps });
  },
};

export default service;
