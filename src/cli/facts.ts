// `provision facts -i INVENTORY [--limit HOSTS] [--json]`: prints the base facts and every fact kind provision reads from each host.
import { gatherFacts, type HostFacts } from '../engine/gather-facts.js';
import { escapeControl } from '../core/escape.js';
import { paint, usesColor } from '../report/color.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, withHosts } from './host-inventory.js';

export const spec = defineVerb({
  name: 'facts',
  options: {
    inventory: { type: 'string', short: 'i' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision facts -i INVENTORY [--limit HOSTS] [--json] [--accept-lint CODES] ${CONNECTION_USAGE}

Lints the network plan (as every verb that reaches hosts does), connects to each host, runs the one
batched probe, and prints what provision knows about it: os, arch, kernel, init system, network stack,
primary interface and address, routes, board; then every fact kind a module can declare (kernel modules,
sysctls, swap, firewall state, links, kubeadm state...), read with the arguments provision's modules use.
  -i, --inventory FILE   the inventory
  --limit HOSTS          only these hosts (e.g. 'worker,!node3')
  --json                 print {"hosts":{"NAME":{...base, "kinds":{"KIND":{"args":...,"value":...}}}}} on stdout
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help             this text
Exit status: 0 all hosts answered, 1 some did not (or bad input), 64 usage error.`,
});

function render(r: HostFacts, color: ReturnType<typeof paint>): string {
  if ('error' in r) return `${color.bold(r.host)}\n  ${color.red(r.unreachable ? 'UNREACHABLE' : 'FAILED')}: ${escapeControl(r.error)}\n`;
  const f = r.facts;
  const rows: Array<[string, string]> = [
    ['hostname', f.hostname], ['os', `${f.os.prettyName} (${[f.os.id, f.os.versionId, f.os.codename].filter(Boolean).join(' ')})`], ['arch', f.arch], ['kernel', f.kernel],
    ['board', f.board], ['init', f.initSystem], ['network stack', f.networkStack],
    ['primary', `${f.primaryInterface ?? '?'}${f.primaryAddress ? ` ${f.primaryAddress}` : ''}`], ['boot id', f.bootId],
    ['routes', f.routes.map((x) => escapeControl(`${x.dst}${x.gateway ? ` via ${x.gateway}` : ''}${x.dev ? ` dev ${x.dev}` : ''}`)).join('\n' + ' '.repeat(17))],
  ];
  const kinds = Object.entries(r.kinds).map(([name, k]) => `  ${name.padEnd(20)} ${escapeControl(JSON.stringify(k.value))}`);
  // What a host reports (os-release, hostname...) is escaped: a hostile host cannot drive the terminal.
  return `${color.bold(r.host)}\n${rows.map(([k, v]) => `  ${k.padEnd(14)} ${k === 'routes' ? v : escapeControl(String(v))}`).join('\n')}\n${color.bold('  fact kinds')}\n${kinds.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  return withHosts('facts', values, async (inventory, hosts, connector) => {
    const results = await gatherFacts({ inventory, hosts, connector });
    if (values.json) {
      const doc = Object.fromEntries(results.map((r) => ('error' in r ? [r.host, { error: r.error, unreachable: r.unreachable }] : [r.host, { ...r.facts, kinds: r.kinds }])));
      process.stdout.write(`${JSON.stringify({ hosts: doc })}\n`);
    } else {
      const color = paint(usesColor(process.stdout));
      process.stdout.write(results.map((r) => render(r, color)).join('\n'));
    }
    return results.some((r) => 'error' in r) ? 1 : 0;
  });
}
