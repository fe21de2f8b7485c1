// `provision run PLAYBOOK -i INVENTORY`: any playbook, plan then apply, with --check/--diff/--json; reusable by up/join.
import { formatFinding } from '../diagnostics/finding.js';
import { withDisplayPaths } from '../inventory/display-path.js';
import { loadInventoryOrThrow } from '../inventory/load.js';
import type { Host, Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import { connectEarly, keepPlayed } from '../engine/connect-early.js';
import { loadPlaybook } from '../playbook/load.js';
import { SelectorError, selectHosts } from '../playbook/selector.js';
import type { RunReport } from '../engine/report-model.js';
import { DEFAULT_CONCURRENCY, runPlaybook, type RunOptions } from '../engine/runner.js';
import { createReporter } from '../report/reporter.js';
import type { Connector } from '../transport/index.js';
import { CONNECTION_FLAGS, checkConnectionFlags, connectorFromFlags, type ConnectionFlagValues } from './connection-flags.js';
import { parseVerbArgs } from './args.js';
import { prefetchAddons } from './cluster/addon-fetch.js';
import { UsageError, UserError } from './errors.js';

const HELP = `usage: provision run PLAYBOOK -i INVENTORY [--check] [--diff] [--limit HOSTS] [--json]
                     [--concurrency N] [--max-fail N] [--connect-timeout SECONDS] [-v] [--ssh-config PATH]
                     [--host-keys strict|accept-new|off] [--ask-become-pass] [--accept-lint CODES]

Runs any playbook: one SSH connection and one batched probe per host per play, a plan in pure code,
then the changes. See docs/playbooks.md.
  --check            plan only; exit 0 when nothing would change, 2 when something would
  --diff             show unified diffs of file changes
  --limit HOSTS      only these hosts (same grammar as a play's hosts:, e.g. 'worker,!node3')
  --json             print only {"changed":N,"failed":N,"hosts":{...}} on stdout
  --concurrency N    hosts worked on at once (default 32)
  --max-fail N       abort the rest once N hosts have failed
  --connect-timeout SECONDS  a host that does not complete the SSH handshake within this time, retries
                     included, fails as unreachable (default: ssh config ConnectTimeout, else 10)
  -v, --verbose      also show what is already in place, and command output
  -K, --ask-become-pass  ask for the sudo password (or set PROVISION_BECOME_PASSWORD)
  --accept-lint CODES    run although the inventory's network plan has these lint errors (comma-separated)
Exit status: 0 ok, 1 a host failed (or the run was aborted), 2 usage error or (--check) changes pending, 130 interrupted.`;

/** The run flags `run`, `up` and `join` share (node:util parseArgs options). */
export const RUN_FLAGS = {
  inventory: { type: 'string', short: 'i' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  diff: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  'max-fail': { type: 'string' },
  ...CONNECTION_FLAGS,
  'accept-lint': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunFlagValues extends ConnectionFlagValues {
  inventory?: string;
  check?: boolean;
  json?: boolean;
  diff?: boolean;
  verbose?: boolean;
  limit?: string;
  concurrency?: string;
  'max-fail'?: string;
  'accept-lint'?: string;
}

export interface PlaybookCommandArgs {
  playbook: string;
  values: RunFlagValues;
  /** Extra host selection per play (provision join). */
  selectHosts?: RunOptions['selectHosts'];
  /** Runs after the inventory and playbook loaded, before anything connects (not combined with connectEarly). */
  before?: (inventory: Inventory, connector: Connector) => Promise<void>;
  /**
   * Connect to every selected host (--limit) right after the inventory is checked, before the playbook loads:
   * for verbs whose playbook touches every host (up). Hosts no play selects are disconnected once it has loaded.
   * Not for verbs that narrow hosts with selectHosts or `before`.
   */
  connectEarly?: boolean;
}

export interface PlaybookCommandResult {
  report: RunReport;
  inventory: Inventory;
  /** 0 ok, 1 failed/aborted, 2 --check with pending changes, 130 interrupted. */
  code: number;
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer (got '${v}')`);
  return n;
}

/** The hosts --limit selects (all without it); a selector matching none is a usage error, before any connection. */
function limitedHosts(limit: string | undefined, inventory: Inventory): Host[] {
  if (!limit) return inventory.hosts;
  try {
    const hosts = selectHosts(limit, inventory);
    if (hosts.length === 0) throw new UserError(`--limit '${limit}' matches no host`);
    return hosts;
  } catch (e) {
    if (e instanceof SelectorError) throw new UsageError(`--limit: ${e.message}`);
    throw e;
  }
}

export function exitCodeOf(report: RunReport, interrupted: boolean): number {
  if (interrupted) return 130;
  if (report.failed > 0 || report.aborted) return 1;
  return report.check && report.changed > 0 ? 2 : 0;
}

/** Everything `provision run` does after parsing flags; `up` and `join` call it with their playbook. */
export async function runPlaybookCommand(a: PlaybookCommandArgs): Promise<PlaybookCommandResult> {
  const v = a.values;
  if (!v.inventory) throw new UsageError('needs an inventory: -i INVENTORY');
  checkConnectionFlags(v);
  const concurrency = positiveInt('--concurrency', v.concurrency);
  const maxFail = positiveInt('--max-fail', v['max-fail']);
  // Schema and network plan are checked before any connection; known lint errors can be accepted knowingly.
  const inventory = await loadInventoryOrThrow(v.inventory, {
    lint: true,
    acceptLint: v['accept-lint']?.split(',').map((s) => s.trim()).filter(Boolean),
    warn: (line) => process.stderr.write(`${line}\n`),
  });
  const limited = limitedHosts(v.limit, inventory);
  // A verb whose playbook touches every host starts the handshakes now, while the playbook and modules load.
  const earlyConnector = a.connectEarly ? await connectorFromFlags(v) : undefined;
  const early = earlyConnector ? connectEarly(earlyConnector, inventory, limited, concurrency ?? DEFAULT_CONCURRENCY) : undefined;
  let playbook: Playbook;
  try {
    const loaded = await loadPlaybook({ path: a.playbook, inventory });
    if (!loaded.playbook) {
      const errors = withDisplayPaths(loaded.findings.filter((f) => f.level === 'error'));
      throw new UserError(`playbook ${a.playbook} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${errors.map(formatFinding).join('\n')}`);
    }
    playbook = loaded.playbook;
    if (early) keepPlayed(early, playbook.plays, inventory);
  } catch (e) {
    await earlyConnector?.closeAll();
    throw e;
  }
  const connector = earlyConnector ?? (await connectorFromFlags(v));
  const reporter = createReporter({ json: v.json, diff: v.diff, verbose: v.verbose, check: v.check });
  const abort = new AbortController();
  let interrupts = 0;
  // First Ctrl-C: start no new step, let the current one finish, release locks, report. Second: leave now.
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nprovision: interrupted: finishing the current steps (Ctrl-C again to quit now)\n');
      abort.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    // Add-on artifacts are fetched and checksum-verified on the laptop before any host is planned or changed.
    if (playbook.plays.some((p) => p.tasks.some((t) => t.module.name === 'addons'))) await prefetchAddons(inventory, (l) => process.stderr.write(`${l}\n`));
    if (a.before) await a.before(inventory, connector);
    const report = await runPlaybook({
      playbook,
      inventory,
      options: {
        connector, check: !!v.check, observer: reporter.observer, signal: abort.signal,
        ...(v.limit ? { limit: v.limit } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(maxFail ? { maxFail } : {}),
        ...(a.selectHosts ? { selectHosts: a.selectHosts } : {}),
        ...(early ? { earlySessions: early } : {}),
      },
    });
    await reporter.finish(report);
    return { report, inventory, code: exitCodeOf(report, abort.signal.aborted) };
  } finally {
    process.off('SIGINT', onSigint);
    await connector.closeAll();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, RUN_FLAGS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // If anything ever left the run dangling, node would exit 0 with work undone: make that exit non-zero.
  process.exitCode = 70;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'run needs a playbook: provision run PLAYBOOK -i INVENTORY' : `unexpected argument '${positionals[1]}'`);
  return (await runPlaybookCommand({ playbook: positionals[0]!, values })).code;
}
