// `provision join worker|control-plane NAME -i INVENTORY`: prepare NAME, refresh /etc/hosts everywhere, join NAME.
import type { Play } from '../playbook/types.js';
import type { Host, Inventory } from '../inventory/types.js';
import { KUBELET_CONF } from '../cluster/paths.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { bundledPlaybook } from './cluster/playbook-run.js';
import { CONNECTION_USAGE } from './connection-flags.js';
import { RUN_FLAGS, RUN_FLAGS_HELP, runPlaybookCommand } from './run.js';
import { UsageError, UserError } from '../core/errors.js';
import { quote } from '../core/command.js';
import type { RunGate } from '../engine/run-scope.js';

export const spec = defineVerb({
  name: 'join',
  options: RUN_FLAGS,
  positionals: true,
  help: `usage: provision join worker|control-plane NAME -i INVENTORY [--check] [--json | --events] [--timestamps] [--diff] [--limit HOSTS]
                    [--concurrency N] [--max-fail N] [--accept-lint CODES] [-v] ${CONNECTION_USAGE}

NAME must already be in the inventory with that role. Prepares NAME (host setup), refreshes the /etc/hosts
block on every host so the new name resolves everywhere, takes a fresh token (and, for a control plane,
a certificate key) from a healthy control plane, and joins NAME. Nothing else changes on the other hosts
(for a control plane in haproxy mode, the lb hosts also get the new backend).
${RUN_FLAGS_HELP}`,
});

/** Plays made only of these modules run on every host they select; every other play is narrowed to NAME. */
export const EVERYWHERE_MODULES = new Set(['hosts-file', 'haproxy']);

export function narrowToNode(name: string) {
  return (play: Play, hosts: Host[]): Host[] => (play.tasks.length > 0 && play.tasks.every((t) => EVERYWHERE_MODULES.has(t.module.name)) ? hosts : hosts.filter((h) => h.name === name));
}

export function checkJoinTarget(inv: Inventory, role: 'worker' | 'control-plane', name: string): Host {
  const host = inv.hosts.find((h) => h.name === name);
  if (!host) throw new UserError(`${name} is not in the inventory ${inv.file}`, 1, `add it under hosts: with role: ${role}, then run this again`);
  if (host.role !== role) throw new UserError(`${name} has role ${host.role} in the inventory, not ${role}`, 1, `use 'provision join ${host.role} ${name}' or fix its role`);
  if (role === 'control-plane' && inv.hosts.find((h) => h.role === 'control-plane')?.name === name) {
    throw new UserError(`${name} is the first control plane: it is initialised by 'provision up', not joined`);
  }
  return host;
}

/**
 * The node must be reachable and not joined yet: its kubelet.conf is read in its up-front probe. Either way the run
 * stops before any host changes (the other hosts' /etc/hosts is refreshed only for a join that can happen).
 */
export function alreadyJoinedGate(target: Host): RunGate {
  return {
    probe: (host) => (host.name === target.name ? { items: [], lines: [`s join.kubelet; [ -f ${quote(KUBELET_CONF)} ] && echo yes`] } : { items: [], lines: [] }),
    check(answers) {
      const mine = answers.find((a) => a.host.name === target.name);
      if (!mine?.sections) {
        throw new UserError(`cannot read ${target.name}: ${mine?.error ?? 'it was not probed'}`, 1, `nothing was changed: fix the connection to ${target.name}, then run this again`);
      }
      if (mine.sections.get('join.kubelet')?.trim() === 'yes') {
        throw new UserError(`${target.name} is already joined (${KUBELET_CONF} exists)`, 1, `to re-join it: 'sudo kubeadm reset -f' on ${target.name}, then run this again`);
      }
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  const [role, name, ...extra] = positionals;
  if ((role !== 'worker' && role !== 'control-plane') || !name || extra.length) throw new UsageError('join needs a role and a host: provision join worker|control-plane NAME -i INVENTORY', "run 'provision help join' for usage");
  const { code } = await runPlaybookCommand({
    playbook: bundledPlaybook(role === 'worker' ? 'join-worker.yaml' : 'join-control-plane.yaml'),
    values,
    selectHosts: narrowToNode(name),
    // Checked in the run's first read of the node (no exec of its own), before any host changes.
    gate: (inv) => alreadyJoinedGate(checkJoinTarget(inv, role, name)),
  });
  return code;
}
