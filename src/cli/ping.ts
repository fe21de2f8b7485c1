// `provision ping -i INVENTORY [--limit HOSTS] [--json]`: can provision reach every host and become root there?
import { pingHosts, type PingResult } from '../engine/ping-hosts.js';
import { escapeControl } from '../core/escape.js';
import { paint, usesColor, type Paint } from '../report/color.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, withHosts } from './host-inventory.js';
import { positiveInt } from './numeric-flags.js';

export const spec = defineVerb({
  name: 'ping',
  options: {
    inventory: { type: 'string', short: 'i' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
    ...ACCEPT_LINT_FLAG,
    ...CONNECTION_FLAGS,
  },
  help: `usage: provision ping -i INVENTORY [--limit HOSTS] [--json] [--concurrency N] [--accept-lint CODES] ${CONNECTION_USAGE}

Connects to each host as every run does (your OpenSSH config, its keys, host keys and jump hosts), becomes
root the same way (sudo, or nothing on a root login), and runs nothing else: a shell that prints the host's
hostname. Changes nothing. Use it first on new hosts, and when a run says a host is unreachable.
  -i, --inventory FILE   the inventory
  --limit HOSTS          only these hosts (e.g. 'worker,!node3')
  --json                 print {"hosts":{"NAME":{"ok":true,"hostname":...,"sudoUser":...,"ms":...}}} on stdout
                         (a failed host: {"ok":false,"error":...,"unreachable":...,"ms":...})
  --concurrency N        hosts reached at once (default 32)
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help             this text
Exit status: 0 every host answered as root, 1 some did not (or bad input), 64 usage error.`,
});

/** One line a host: "NAME  ok  root via sudo (login pi)  hostname NAME  41 ms", or what went wrong. */
export function renderPing(results: PingResult[], color: Paint): string {
  const width = Math.max(...results.map((r) => r.host.length));
  return results.map((r) => {
    const name = color.bold(r.host.padEnd(width));
    if (!r.ok) return `${name}  ${color.red(r.unreachable ? 'UNREACHABLE' : 'FAILED')}: ${escapeControl(r.error)}\n`;
    const root = r.sudoUser ? `root via sudo (login ${escapeControl(r.sudoUser)})` : 'root login';
    // What a host reports is escaped: a hostile host cannot drive the terminal.
    return `${name}  ${color.green('ok')}  ${root}  hostname ${escapeControl(r.hostname)}  ${color.dim(`${r.ms} ms`)}\n`;
  }).join('');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  const concurrency = positiveInt('--concurrency', values.concurrency);
  return withHosts('ping', values, async (inventory, hosts, connector) => {
    const results = await pingHosts({ inventory, hosts, connector, ...(concurrency ? { concurrency } : {}) });
    if (values.json) {
      const doc = Object.fromEntries(results.map(({ host, ...rest }) => [host, rest]));
      process.stdout.write(`${JSON.stringify({ hosts: doc })}\n`);
    } else {
      process.stdout.write(renderPing(results, paint(usesColor(process.stdout))));
    }
    return results.every((r) => r.ok) ? 0 : 1;
  });
}
