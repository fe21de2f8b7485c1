// `provision run PLAYBOOK -i INVENTORY`: any playbook, plan then apply, with --check/--diff/--json; reusable by up/join.
import { withDisplayPaths } from '../inventory/display-path.js';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import { loadPlaybook } from '../playbook/load.js';
import type { RunReport } from '../engine/report-model.js';
import { Run, type RunOptions } from '../engine/run.js';
import type { RunGate } from '../engine/run-scope.js';
import { createReporter } from '../report/reporter.js';
import type { Connector } from '../core/connector.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, CONNECTION_USAGE, checkConnectionFlags, connectorFromFlags, type ConnectionFlagValues } from './connection-flags.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { FindingsError, UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { ACCEPT_LINT_FLAG, ACCEPT_LINT_USAGE, limitedHosts, loadLintedInventory } from './host-inventory.js';
import { positiveInt } from './numeric-flags.js';
import { prefetchAddons } from './cluster/addon-fetch.js';

/** The run flags `run`, `up` and `join` share (node:util parseArgs options). */
export const RUN_FLAGS = {
  inventory: { type: 'string', short: 'i' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  events: { type: 'boolean' },
  timestamps: { type: 'boolean' },
  diff: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  'max-fail': { type: 'string' },
  'allow-import-outside': { type: 'boolean' },
  ...CONNECTION_FLAGS,
  ...ACCEPT_LINT_FLAG,
} as const;

/** The help lines for RUN_FLAGS (run, up and join print them). */
export const RUN_FLAGS_HELP = `  -i, --inventory FILE  the inventory
  --check            plan only; exit 0 when nothing would change, 2 when something would
  --diff             show unified diffs of file changes
  --limit HOSTS      only these hosts (same grammar as a play's hosts:, e.g. 'worker,!node3')
  --json             print only {"changed":N,"failed":N,"hosts":{...},"actions":{...}} on stdout (errors: {"error":{...}})
  --events           print the run as JSON Lines on stdout, one event per line (docs/events.md)
  --timestamps       start each progress line with the time (when stdout is not a terminal)
  --concurrency N    hosts worked on at once (default 32)
  --max-fail N       abort the rest once N hosts have failed
  -v, --verbose      also show what is already in place, and command output
  --allow-import-outside  let the playbook import: files outside its own directory tree
${ACCEPT_LINT_USAGE}
${CONNECTION_HELP}
  -h, --help         this text
Exit status: 0 ok, 1 a host failed (or the run was aborted, or bad input), 2 (--check) changes pending,
64 usage error, 130 interrupted.`;

export const spec = defineVerb({
  name: 'run',
  options: RUN_FLAGS,
  positionals: true,
  help: `usage: provision run PLAYBOOK -i INVENTORY [--check] [--diff] [--limit HOSTS] [--json | --events] [--timestamps]
                     [--concurrency N] [--max-fail N] [-v] [--accept-lint CODES] [--allow-import-outside]
                     ${CONNECTION_USAGE}

Runs any playbook: one SSH connection and one batched probe per host per play, a plan in pure code,
then the changes. See docs/playbooks.md.
${RUN_FLAGS_HELP}`,
});

export interface RunFlagValues extends ConnectionFlagValues {
  inventory?: string;
  check?: boolean;
  json?: boolean;
  events?: boolean;
  timestamps?: boolean;
  diff?: boolean;
  verbose?: boolean;
  limit?: string;
  concurrency?: string;
  'max-fail'?: string;
  'accept-lint'?: string;
  'allow-import-outside'?: boolean;
}

export interface PlaybookCommandArgs {
  playbook: string;
  values: RunFlagValues;
  /** Extra host selection per play (provision join). */
  selectHosts?: RunOptions['selectHosts'];
  /** Checks read in each host's first probe and made before any change (up's preflight); see RunGate. */
  gate?: (inventory: Inventory) => RunGate;
  /**
   * Connect to every selected host (--limit) right after the inventory is checked, before the playbook loads:
   * for verbs whose playbook touches every host (up). Hosts no play selects are disconnected once it has loaded.
   * Not for verbs that narrow hosts with selectHosts.
   */
  connectEarly?: boolean;
}

export interface PlaybookCommandResult {
  report: RunReport;
  inventory: Inventory;
  /** EXIT.ok, .failure (failed/aborted), .changes (--check with pending changes), .interrupted. */
  code: number;
}

/** How long the playbook's load waits for the early connections' TCP connects to start (ssh -G answers, if not kept). */
const DIAL_WAIT_MS = 150;

/** `p`, or nothing after `ms`: a wait that only orders work, never one a run depends on. */
function atMost(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((done) => (timer = setTimeout(done, ms)))]).finally(() => clearTimeout(timer));
}

export function exitCodeOf(report: RunReport, interrupted: boolean): number {
  if (interrupted) return EXIT.interrupted;
  if (report.failed > 0 || report.aborted) return EXIT.failure;
  return report.check && report.changed > 0 ? EXIT.changes : EXIT.ok;
}

/** Everything `provision run` does after parsing flags; `up` and `join` call it with their playbook. */
export async function runPlaybookCommand(a: PlaybookCommandArgs): Promise<PlaybookCommandResult> {
  const v = a.values;
  if (!v.inventory) throw new UsageError('needs an inventory: -i INVENTORY');
  if (v.json && v.events) throw new UsageError('--json and --events both print to stdout: pick one (the last event holds the --json totals)');
  checkConnectionFlags(v);
  const concurrency = positiveInt('--concurrency', v.concurrency);
  const maxFail = positiveInt('--max-fail', v['max-fail']);
  const inventory = await loadLintedInventory(v.inventory, v['accept-lint']);
  const limited = limitedHosts(v.limit, inventory);
  const reporter = createReporter({ json: v.json, events: v.events, timestamps: v.timestamps, diff: v.diff, verbose: v.verbose, check: v.check });
  // The connector (it may ask for the become password) comes after the playbook loaded, unless the verb connects early.
  const newRun = async () => new Run(inventory, {
    connector: await connectorFromFlags(v), check: !!v.check, observer: reporter.observer,
    ...(v.limit ? { limit: v.limit } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(maxFail ? { maxFail } : {}),
    ...(a.selectHosts ? { selectHosts: a.selectHosts } : {}),
    ...(a.gate ? { gate: a.gate(inventory) } : {}),
  });
  let engine = a.connectEarly ? await newRun() : undefined;
  // A verb whose playbook touches every host starts the handshakes now, while the playbook and modules load. The
  // load reads and parses synchronously: it waits (a little at most) until the hosts have the TCP connects to answer.
  const dialled = engine?.connectEarly(limited);
  if (dialled) await atMost(dialled, DIAL_WAIT_MS);
  let playbook: Playbook;
  try {
    const loaded = await loadPlaybook({ path: a.playbook, inventory, allowImportOutside: !!v['allow-import-outside'] });
    if (!loaded.playbook) {
      const errors = withDisplayPaths(loaded.findings.filter((f) => f.level === 'error'));
      throw new FindingsError(`playbook ${a.playbook} has ${errors.length} error${errors.length === 1 ? '' : 's'}:`, errors);
    }
    playbook = loaded.playbook;
    engine?.keepPlayed(playbook.plays);
  } catch (e) {
    await engine?.close();
    throw e;
  }
  engine ??= await newRun();
  // First Ctrl-C: start no new step, let the current one finish, release locks, report. Second: leave now.
  const offSigint = engine.stopOnSigint((line) => process.stderr.write(`\n${line}\n`));
  try {
    // Add-on artifacts are fetched and checksum-verified on the laptop before any host is planned or changed.
    if (playbook.plays.some((p) => p.tasks.some((t) => t.module.name === 'addons'))) await prefetchAddons(inventory, (l) => process.stderr.write(`${l}\n`));
    const report = await engine.execute(playbook).catch(async (e: unknown) => {
      await reporter.settle(); // a gate stopped the run (up's preflight): let the progress view end before the error prints
      throw e;
    });
    await reporter.finish(report);
    return { report, inventory, code: exitCodeOf(report, engine.interrupted) };
  } finally {
    offSigint();
    await engine.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  // If anything ever left the run dangling, node would exit 0 with work undone: make that exit non-zero.
  process.exitCode = EXIT.internal;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'run needs a playbook: provision run PLAYBOOK -i INVENTORY' : `unexpected argument '${positionals[1]}'`);
  return (await runPlaybookCommand({ playbook: positionals[0]!, values })).code;
}
