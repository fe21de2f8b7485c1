// `provision up -i INVENTORY`: playbooks/up.yaml end to end — prepare nodes, API endpoint, init, joins, CNI, kubeconfig.
import { existsSync } from 'node:fs';
import type { Inventory } from '../inventory/types.js';
import { kubeconfigDest, usageHint } from '../modules/cluster/kubeconfig.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { bundledPlaybook } from './cluster/playbook-run.js';
import { CONNECTION_USAGE } from './connection-flags.js';
import { preflightGate } from './cluster/preflight-run.js';
import { RUN_FLAGS, RUN_FLAGS_HELP, runPlaybookCommand } from './run.js';

export const spec = defineVerb({
  name: 'up',
  options: { ...RUN_FLAGS, 'skip-preflight': { type: 'boolean' } },
  help: `usage: provision up -i INVENTORY [--check] [--diff] [--json | --events] [--timestamps] [--limit HOSTS] [--concurrency N] [--max-fail N]
                    [--accept-lint CODES] [--skip-preflight] [-v] ${CONNECTION_USAGE}

Builds or converges the whole cluster: host setup on every node, the API endpoint (HAProxy or kube-vip),
kubeadm init on the first control plane, control-plane joins one at a time, worker joins in parallel,
the CNI, and ./kubeconfig/<cluster>.conf. A re-run on a converged cluster changes nothing.
Its first read of each host carries 'provision preflight''s checks; an error stops it before any host changes.
  --skip-preflight   do not run the preflight checks first
${RUN_FLAGS_HELP}`,
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  // Preflight reads every selected host in the run's own up-front probe and is checked before any change. Its
  // warnings come after the run's own output: mid-run they would land inside the terminal's progress view.
  const warnings: string[] = [];
  const gate = values['skip-preflight'] ? undefined : (inv: Inventory) => preflightGate(inv, (l) => warnings.push(l));
  const printWarnings = () => warnings.length && process.stderr.write(`\npreflight warnings:\n${warnings.join('\n')}\n`);
  const { inventory, code } = await runPlaybookCommand({ playbook: bundledPlaybook('up.yaml'), values, connectEarly: true, ...(gate ? { gate } : {}) })
    .finally(printWarnings);
  const dest = kubeconfigDest(inventory.cluster.name);
  if (!values.json && !values.events && !values.check && code === 0 && existsSync(dest)) process.stdout.write(`\nkubeconfig: ${dest}\n  ${usageHint(dest)}\n  kubectl get nodes\n`);
  return code;
}
