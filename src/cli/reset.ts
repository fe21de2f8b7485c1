// `provision reset -i INVENTORY --yes [--keep-host-setup]`: the whole cluster torn down to hosts a fresh `up` takes back to
// a cluster: every node reset and cleaned (workers, then control planes one at a time, the first last), host setup undone.
import type { Host, Inventory } from '../inventory/types.js';
import { escapeControl } from '../core/escape.js';
import type { Connector } from '../core/connector.js';
import { UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { firstControlPlane } from '../cluster/cluster-shape.js';
import { renderCleanScript } from '../cluster/node-clean-script.js';
import { LEFT_IN_PLACE, renderTeardownScript } from '../cluster/host-setup-teardown.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, loadLintedInventory } from './host-inventory.js';
import { runHostScript } from './cluster/host-script.js';

export const spec = defineVerb({
  name: 'reset',
  options: {
    inventory: { type: 'string', short: 'i' },
    yes: { type: 'boolean' },
    'keep-host-setup': { type: 'boolean' },
    json: { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision reset -i INVENTORY --yes [--keep-host-setup] [--json] [--accept-lint CODES] ${CONNECTION_USAGE}

Tears the cluster down: on every node (workers first, then the control planes one at a time, the first one last)
'kubeadm reset -f' and what it leaves behind (CNI config and links, kube-proxy and CNI nft tables and iptables rules,
/etc/kubernetes, /var/lib/kubelet, /var/lib/etcd). Without --keep-host-setup, also on every host (lb too) what 'up'
set up: the /etc/hosts block, provision's nftables table and its boot include, the sysctl and modules-load files,
kubeadm/kubelet/kubectl (unheld and purged) and their apt repository. Left in place either way: MetalLB routes
persisted in the network stack, containerd, Raspberry Pi cgroup flags, time sync, haproxy. A fresh 'provision up'
builds a new cluster afterwards. Everything in the cluster is lost: hence --yes. An unreachable host is reported
(exit 1); run reset again when it is back.
  -i, --inventory FILE    the inventory
  --yes                   really tear the cluster down (required)
  --keep-host-setup       reset the cluster only: /etc/hosts, firewall, sysctls and packages stay
  --json                  print one JSON object on stdout
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help              this text
Exit status: 0 done, 1 a host failed or was unreachable, 64 usage error.`,
});

interface HostResult { host: string; cluster?: string; hostSetup?: string; ok: boolean }

/** Workers (together), then control planes one at a time with the first last (its etcd member goes last), then lb hosts. */
export function resetOrder(inv: Inventory): Host[][] {
  const first = firstControlPlane(inv);
  const cps = inv.hosts.filter((h) => h.role === 'control-plane' && h.name !== first.name);
  return [inv.hosts.filter((h) => h.role === 'worker'), ...cps.map((h) => [h]), [first], inv.hosts.filter((h) => h.role === 'lb')].filter((b) => b.length > 0);
}

async function resetHost(connector: Connector, inv: Inventory, h: Host, keep: boolean): Promise<HostResult> {
  const r: HostResult = { host: h.name, ok: true };
  if (h.role !== 'lb') {
    const c = await runHostScript(connector, inv, h, renderCleanScript(), { timeoutMs: 600_000, label: 'kubeadm reset and cleaning' });
    r.cluster = c.error ?? 'reset';
    if (c.error) r.ok = false;
  }
  if (!keep && r.ok) {
    const t = await runHostScript(connector, inv, h, renderTeardownScript(), { timeoutMs: 600_000, label: 'host setup removal' });
    r.hostSetup = t.error ?? 'removed';
    if (t.error) r.ok = false;
  }
  return r;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('reset needs -i INVENTORY');
  if (!values.yes) throw new UsageError('reset destroys the cluster and everything in it: pass --yes to do it');
  checkConnectionFlags(values);
  const inv = await loadLintedInventory(values.inventory, values['accept-lint']);
  const keep = !!values['keep-host-setup'];
  const json = !!values.json;
  const connector = await connectorFromFlags(values);
  const results: HostResult[] = [];
  try {
    for (const batch of resetOrder(inv)) {
      const done = await Promise.all(batch.map((h) => resetHost(connector, inv, h, keep)));
      for (const r of done) {
        results.push(r);
        if (!json) process.stdout.write(`${r.host}: ${[r.cluster ? `cluster ${r.cluster}` : undefined, r.hostSetup ? `host setup ${r.hostSetup}` : undefined].filter(Boolean).map((s) => escapeControl(s!)).join('; ')}\n`);
      }
    }
  } finally {
    await connector.closeAll();
  }
  const failed = results.filter((r) => !r.ok).map((r) => r.host);
  if (json) process.stdout.write(`${JSON.stringify({ ok: failed.length === 0, keepHostSetup: keep, hosts: results, leftInPlace: keep ? undefined : LEFT_IN_PLACE })}\n`);
  else if (!keep) process.stdout.write(`left in place:\n${LEFT_IN_PLACE.map((l) => `  - ${l}`).join('\n')}\n`);
  if (failed.length) {
    process.stderr.write(`provision: reset did not finish on ${failed.join(', ')}; run it again when they answer\n`);
    return EXIT.failure;
  }
  if (!json) process.stdout.write(`reset ${inv.cluster.name}: done; 'provision up -i ${values.inventory}' builds a new cluster\n`);
  return EXIT.ok;
}
