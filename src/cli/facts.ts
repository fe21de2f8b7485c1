// `provision facts -i INVENTORY [--limit HOSTS] [--json]`: prints the base facts provision reads from each host.
import { gatherFacts, type HostFacts } from '../engine/gather-facts.js';
import { loadInventoryOrThrow } from '../inventory/load.js';
import { SelectorError, selectHosts } from '../playbook/selector.js';
import { paint, usesColor } from '../report/color.js';
import { CONNECTION_FLAGS, checkConnectionFlags, connectorFromFlags } from './connection-flags.js';
import { parseVerbArgs } from './args.js';
import { UsageError } from './errors.js';

const HELP = `usage: provision facts -i INVENTORY [--limit HOSTS] [--json] [--connect-timeout S] [--ssh-config PATH] [--host-keys POLICY] [-K]

Connects to each host, runs the one batched probe, and prints what provision knows about it:
os, arch, kernel, init system, network stack, primary interface and address, routes, board.
Exit status: 0 all hosts answered, 1 some did not, 2 usage error.`;

function render(r: HostFacts, color: ReturnType<typeof paint>): string {
  if ('error' in r) return `${color.bold(r.host)}\n  ${color.red(r.unreachable ? 'UNREACHABLE' : 'FAILED')}: ${r.error}\n`;
  const f = r.facts;
  const rows: Array<[string, string]> = [
    ['hostname', f.hostname], ['os', `${f.os.prettyName} (${f.os.id} ${f.os.versionId})`], ['arch', f.arch], ['kernel', f.kernel],
    ['board', f.board], ['init', f.initSystem], ['network stack', f.networkStack],
    ['primary', `${f.primaryInterface ?? '?'}${f.primaryAddress ? ` ${f.primaryAddress}` : ''}`], ['boot id', f.bootId],
    ['routes', f.routes.map((x) => `${x.dst}${x.gateway ? ` via ${x.gateway}` : ''}${x.dev ? ` dev ${x.dev}` : ''}`).join('\n' + ' '.repeat(17))],
  ];
  return `${color.bold(r.host)}\n${rows.map(([k, v]) => `  ${k.padEnd(14)} ${v}`).join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    inventory: { type: 'string', short: 'i' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    ...CONNECTION_FLAGS,
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.inventory) throw new UsageError('facts needs an inventory: provision facts -i INVENTORY');
  checkConnectionFlags(values);
  const inventory = await loadInventoryOrThrow(values.inventory);
  let hosts = inventory.hosts;
  try {
    if (values.limit) hosts = selectHosts(values.limit, inventory);
  } catch (e) {
    if (e instanceof SelectorError) throw new UsageError(`--limit: ${e.message}`);
    throw e;
  }
  const connector = await connectorFromFlags(values);
  try {
    const results = await gatherFacts({ inventory, hosts, connector });
    if (values.json) {
      const doc = Object.fromEntries(results.map((r) => ['error' in r ? [r.host, { error: r.error, unreachable: r.unreachable }] : [r.host, r.facts]][0]!));
      process.stdout.write(`${JSON.stringify({ hosts: doc })}\n`);
    } else {
      const color = paint(usesColor(process.stdout));
      process.stdout.write(results.map((r) => render(r, color)).join('\n'));
    }
    return results.some((r) => 'error' in r) ? 1 : 0;
  } finally {
    await connector.closeAll();
  }
}
