// The control plane a day-two verb works through (kubectl with admin.conf, etcdctl in its etcd pod): the first in the
// inventory, other than the ones excluded, whose own API server answers.
import type { Host, Inventory } from '../../inventory/types.js';
import type { Connector } from '../../core/connector.js';
import { UserError } from '../../core/errors.js';
import { runHostScript } from './host-script.js';
import { localKubectl } from './status-script.js';

export interface ActingControlPlane {
  host: Host;
  /** kubectl as root on it, asking its own API server. */
  kubectl: string;
  /** The names `kubectl get nodes` lists. */
  nodes: string[];
}

export async function findActingControlPlane(connector: Connector, inv: Inventory, exclude: string[]): Promise<ActingControlPlane> {
  const why: string[] = [];
  for (const host of inv.hosts.filter((h) => h.role === 'control-plane' && !exclude.includes(h.name))) {
    const kubectl = localKubectl(host);
    const r = await runHostScript(connector, inv, host, `${kubectl} get nodes -o name`, { timeoutMs: 60_000, label: 'kubectl get nodes' });
    if (r.stdout !== undefined) return { host, kubectl, nodes: r.stdout.split('\n').map((l) => l.trim().replace(/^node\//, '')).filter(Boolean) };
    why.push(`${host.name}: ${r.error}`);
  }
  throw new UserError(`no control plane${exclude.length ? ` other than ${exclude.join(', ')}` : ''} answers: ${why.join('; ') || 'the inventory lists none'}`, 1, "check them with 'provision status'");
}
