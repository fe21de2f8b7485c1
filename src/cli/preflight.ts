// `provision preflight -i INVENTORY [--json]`: the plan checked against the live hosts, read-only (exit 0 ok, 1 errors).
import { formatHostFinding, tally } from '../preflight/format.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { runPreflight } from './cluster/preflight-run.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, withHosts } from './host-inventory.js';
import { positiveInt } from './numeric-flags.js';

export const spec = defineVerb({
  name: 'preflight',
  options: {
    inventory: { type: 'string', short: 'i' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    concurrency: { type: 'string' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision preflight -i INVENTORY [--json] [--limit HOSTS] [--concurrency N] [--accept-lint CODES] ${CONNECTION_USAGE}

Lints the network plan, then runs one read-only probe on every host (one SSH exec each) and checks the plan
against what the hosts report: the node address is on an interface, on the plan's subnet, with the
inventory's MAC, and carries the default route; no other device answers ARP for a node address or the
kube-vip VIP; hostnames, machine-ids, product_uuids and MACs are unique; clocks agree with this machine's
and a time-sync daemon runs; cgroups, swap, /var space, page size, board, kernel and containerd versions;
the role's ports are free. Findings are lint's format with the host in place of file:line
(HOST: LEVEL CODE: message, then a hint); every code is in docs/preflight.md. Nothing on any host changes.
'provision up' runs the same checks first and stops on an error (unless told to skip them).
  -i, --inventory FILE   the inventory
  --json                 print {"findings":[{"level","code","host","message","hint"}...]} on stdout
  --limit HOSTS          only these hosts (uniqueness is then checked among them)
  --concurrency N        hosts probed at once (default 32)
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help             this text
Exit status: 0 no errors (warnings allowed), 1 errors found or a host not checked (or bad input), 64 usage error.`,
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  const concurrency = positiveInt('--concurrency', values.concurrency);
  return withHosts('preflight', values, async (inventory, hosts, connector) => {
    const findings = await runPreflight({ connector, inventory, hosts, ...(concurrency ? { concurrency } : {}) });
    if (values.json) process.stdout.write(`${JSON.stringify({ findings })}\n`);
    else process.stdout.write([...findings.map(formatHostFinding), tally(findings, hosts.length)].join('\n') + '\n');
    return findings.some((f) => f.level === 'error' || f.code === 'unreachable' || f.code === 'probe-failed') ? 1 : 0;
  });
}
