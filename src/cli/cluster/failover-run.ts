// `verify --failover`: stop what holds the API endpoint on one node, prove the endpoint still answers, restore.
// kube-vip mode (here): stop kube-vip on the VIP holder, the VIP moves; haproxy mode: failover-haproxy-run.ts.
import type { Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { failureCause, findHolder, judgeMoved, type FailoverReport, type FailoverStep } from './failover-decide.js';
import { PARKED_MANIFEST, restoreKubeVipScript, stopKubeVipScript } from './failover-script.js';
import { failoverDefaults, onHost, pollUntil, statusOf, type FailoverOptions } from './failover-probe.js';
import { runHaproxyFailover } from './failover-haproxy-run.js';

export async function runFailover(connector: Connector, inv: Inventory, opts: FailoverOptions = {}): Promise<FailoverReport> {
  if (inv.network.api.mode === 'haproxy') return runHaproxyFailover(connector, inv, opts);
  const o = failoverDefaults(opts);
  const cps = inv.hosts.filter((h) => h.role === 'control-plane');
  const all = () => Promise.all(cps.map((h) => statusOf(connector, inv, h)));
  const steps: FailoverStep[] = [];
  const done = (): FailoverReport => ({ ok: steps.every((s) => s.ok), mode: 'kube-vip', steps });
  const found = findHolder(inv, inv.network.api.mode === 'kube-vip' ? await all() : []);
  steps.push(found.step);
  if (!found.holder) return done();
  const holder = cps.find((h) => h.name === found.holder)!;
  const vip = inv.network.api.address;
  const stopErr = await onHost(connector, inv, holder, stopKubeVipScript());
  steps.push({ step: 'stop', ok: !stopErr, detail: stopErr ? `could not stop kube-vip on ${holder.name}: ${stopErr}` : `kube-vip stopped on ${holder.name} (manifest parked in ${PARKED_MANIFEST})` });
  try {
    if (stopErr) return done();
    const bound = `${o.boundMs / 1000} s`;
    const moved = await pollUntil(all, (s) => !!judgeMoved(holder.name, s).moved, o);
    const to = judgeMoved(holder.name, moved.statuses).moved;
    steps.push(to
      ? { step: 'moved', ok: true, detail: `the VIP ${vip} moved to ${to} in ${moved.seconds.toFixed(1)} s` }
      : { step: 'moved', ok: false, detail: `no other control plane took the VIP ${vip} within ${bound}: ${failureCause(holder.name, moved.statuses)}` });
    if (!to) return done();
    const api = await pollUntil(all, (s) => judgeMoved(holder.name, s).apiOk, o);
    const where = `${vip}:${inv.network.api.port}`;
    steps.push(api.ok
      ? { step: 'api', ok: true, detail: `the API answers through ${where} (${api.seconds.toFixed(1)} s after the move)` }
      : { step: 'api', ok: false, detail: `the API did not answer through ${where} within ${bound} of the move (kubectl get nodes from every control plane)` });
  } finally {
    const restoreErr = await onHost(connector, inv, holder, restoreKubeVipScript());
    if (restoreErr) steps.push({ step: 'restore', ok: false, detail: `could not restore kube-vip on ${holder.name}: ${restoreErr}; move ${PARKED_MANIFEST} back to /etc/kubernetes/manifests/kube-vip.yaml` });
    else {
      const settled = await pollUntil(all, (s) => s.filter((x) => x.vip).length === 1 && s.every((x) => x.manifest === 'yes') && s.some((x) => x.vipApi), o);
      const holders = settled.statuses.filter((x) => x.vip).map((x) => x.host);
      steps.push(settled.ok
        ? { step: 'restore', ok: true, detail: `kube-vip back on ${holder.name}; the VIP is on ${holders[0]} and the API answers through it` }
        : { step: 'restore', ok: false, detail: `after restoring kube-vip on ${holder.name} the VIP is on ${holders.join(', ') || 'no control plane'} and the API ${settled.statuses.some((x) => x.vipApi) ? 'answers' : 'does not answer'} through it` });
    }
  }
  return done();
}
