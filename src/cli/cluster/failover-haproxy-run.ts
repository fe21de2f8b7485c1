// `verify --failover` in haproxy mode: stop one backend's API server, prove HAProxy takes it out and the API still
// answers through the load balancer, then restore it and wait until HAProxy has every backend UP again.
import type { Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { apiEndpoint, controlPlanes, loadBalancers } from '../../cluster/cluster-shape.js';
import { API_BACKEND, parseBackendServers, statsCsvCommand } from '../../cluster/haproxy-stats.js';
import type { FailoverReport, FailoverStep } from './failover-decide.js';
import { answersWithout, backendDown, describeServers, endpointCause, pickTarget, settledAll, type LbReading } from './failover-haproxy-decide.js';
import { PARKED_APISERVER, restoreApiServerScript, stopApiServerScript } from './failover-script.js';
import { failoverDefaults, onHost, pollUntil, statusOf, type FailoverOptions } from './failover-probe.js';
import { runHostScript } from './host-script.js';

export async function runHaproxyFailover(connector: Connector, inv: Inventory, opts: FailoverOptions = {}): Promise<FailoverReport> {
  const o = failoverDefaults(opts);
  const cps = controlPlanes(inv);
  const ep = apiEndpoint(inv);
  const lbHost = loadBalancers(inv).find((h) => h.address === ep.address) ?? loadBalancers(inv)[0];
  const steps: FailoverStep[] = [];
  const done = (): FailoverReport => ({ ok: steps.every((s) => s.ok), mode: 'haproxy', steps });
  if (!lbHost) {
    steps.push({ step: 'target', ok: false, detail: 'haproxy mode needs an lb host in the inventory: nothing was stopped' });
    return done();
  }
  const readLb = async (): Promise<LbReading> => {
    const r = await runHostScript(connector, inv, lbHost, statsCsvCommand(), { timeoutMs: 15_000, label: 'stats read' });
    if (r.stdout === undefined) return { error: r.error! };
    try {
      return { servers: parseBackendServers(r.stdout, API_BACKEND) };
    } catch (e) {
      return { error: `${(e as Error).message} (is haproxy running with provision's configuration?)` };
    }
  };
  const readCps = () => Promise.all(cps.map((h) => statusOf(connector, inv, h)));
  const both = async () => { const [lb, statuses] = await Promise.all([readLb(), readCps()]); return { lb, statuses }; };

  const first = await both();
  const picked = pickTarget(lbHost.name, cps, first.lb, first.statuses);
  steps.push(picked.step);
  if (!picked.target) return done();
  const target = cps.find((h) => h.name === picked.target)!;
  const stopErr = await onHost(connector, inv, target, stopApiServerScript());
  steps.push({ step: 'stop', ok: !stopErr, detail: stopErr ? `could not stop the API server on ${target.name}: ${stopErr}` : `kube-apiserver stopped on ${target.name} (manifest parked in ${PARKED_APISERVER})` });
  const bound = `${o.boundMs / 1000} s`;
  const where = `${ep.hostPort}`;
  try {
    if (stopErr) return done();
    const down = await pollUntil(readLb, (lb) => backendDown(target.name, lb), o);
    steps.push(down.ok
      ? { step: 'down', ok: true, detail: `HAProxy marked ${target.name} DOWN in ${down.seconds.toFixed(1)} s` }
      : { step: 'down', ok: false, detail: `HAProxy did not mark ${target.name} DOWN within ${bound} (${down.statuses.servers ? describeServers(down.statuses.servers) : down.statuses.error}): check its health check (option httpchk) in /etc/haproxy/haproxy.cfg on ${lbHost.name}` });
    const api = await pollUntil(both, (s) => answersWithout(target.name, s.statuses), o);
    steps.push(api.ok
      ? { step: 'api', ok: true, detail: `the API answers through ${where} from ${cps.filter((h) => h !== target).map((h) => h.name).join(', ')} with ${target.name} down` }
      : { step: 'api', ok: false, detail: `the API did not answer through ${where} within ${bound} with ${target.name} down: ${endpointCause(target.name, api.statuses.lb, api.statuses.statuses)}` });
  } finally {
    const restoreErr = await onHost(connector, inv, target, restoreApiServerScript());
    if (restoreErr) steps.push({ step: 'restore', ok: false, detail: `could not restore the API server on ${target.name}: ${restoreErr}; move ${PARKED_APISERVER} back to /etc/kubernetes/manifests/kube-apiserver.yaml` });
    else {
      const settled = await pollUntil(both, (s) => settledAll(cps, s.lb, s.statuses), o);
      steps.push(settled.ok
        ? { step: 'restore', ok: true, detail: `kube-apiserver back on ${target.name}; HAProxy has every control plane UP` }
        : { step: 'restore', ok: false, detail: `after restoring the API server on ${target.name}, within ${bound}: ${endpointCause('', settled.statuses.lb, settled.statuses.statuses)}` });
    }
  }
  return done();
}
