// Runs one of provision's own playbooks for `up` and `join`: shared flags, the engine's runner, plain or --json output.
// (An adapter until src/cli/run.ts offers a reusable entry point; then this should call that instead.)
import { fileURLToPath } from 'node:url';
import type { RunObserver } from '../../engine/events.js';
import type { RunReport } from '../../engine/report-model.js';
import { runPlaybook, type RunOptions } from '../../engine/runner.js';
import { loadInventoryOrThrow } from '../../inventory/load.js';
import type { Inventory } from '../../inventory/types.js';
import { formatFinding } from '../../diagnostics/finding.js';
import { loadPlaybook } from '../../playbook/load.js';
import { createConnector, readBecomePassword, type HostKeyPolicy } from '../../transport/index.js';
import { UsageError, UserError } from '../errors.js';

/** playbooks/NAME next to dist/ (or src/ under vitest). */
export function bundledPlaybook(name: string): string {
  return fileURLToPath(new URL(`../../../playbooks/${name}`, import.meta.url));
}

/** The run flags `up` and `join` share with `provision run` (node:util parseArgs options). */
export const RUN_FLAGS = {
  inventory: { type: 'string', short: 'i' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  diff: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  concurrency: { type: 'string' },
  'max-fail': { type: 'string' },
  'ssh-config': { type: 'string' },
  'host-keys': { type: 'string' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunFlagValues {
  inventory?: string;
  check?: boolean;
  json?: boolean;
  diff?: boolean;
  verbose?: boolean;
  concurrency?: string;
  'max-fail'?: string;
  'ssh-config'?: string;
  'host-keys'?: string;
  'ask-become-pass'?: boolean;
  limit?: string;
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer`);
  return n;
}

/** Plain lines (not a TTY view): every change that is not a noop, every failure, as it happens. */
function plainObserver(values: RunFlagValues, write: (s: string) => void): RunObserver {
  return {
    playStart: (e) => write(`\n== ${e.play} (${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'})\n`),
    change: ({ host, record }) => {
      if (record.action === 'noop' && !values.verbose) return;
      const state = record.error ? 'FAILED' : values.check ? 'would' : record.action === 'noop' ? 'ok' : 'changed';
      write(`${host}: ${state} ${record.action} ${record.task}: ${record.summary}\n`);
      if (values.diff && record.diff) write(`--- ${record.diff.path}\n${record.diff.after}\n`);
      if (record.error) write(`  ${record.error.replace(/\n/g, '\n  ')}\n`);
    },
    hostEnd: (e) => {
      if (e.error) write(`${e.host}: FAILED: ${e.error.replace(/\n/g, '\n  ')}\n`);
    },
  };
}

/** The --json shape of `provision run`: totals, then per host counts and the changes (never diffs' secrets). */
export function jsonReport(report: RunReport): object {
  const hosts = Object.fromEntries(
    Object.entries(report.hosts).map(([name, h]) => [
      name,
      { ok: h.ok, changed: h.changed, failed: h.failed, unreachable: h.unreachable, ...(h.error ? { error: h.error } : {}), changes: h.changes.map((c) => ({ task: c.task, action: c.action, summary: c.summary, ...(c.error ? { error: c.error } : {}) })) },
    ]),
  );
  return { changed: report.changed, failed: report.failed, ...(report.aborted ? { aborted: report.aborted } : {}), hosts };
}

export interface PlaybookRunArgs {
  playbook: string;
  values: RunFlagValues;
  selectHosts?: RunOptions['selectHosts'];
  /** Runs after the inventory loaded, before anything connects (e.g. join's checks). */
  before?: (inventory: Inventory, connector: ReturnType<typeof createConnector>) => Promise<void>;
}

export interface PlaybookRunResult {
  report: RunReport;
  inventory: Inventory;
  code: number;
}

export async function runBundledPlaybook(a: PlaybookRunArgs): Promise<PlaybookRunResult> {
  const v = a.values;
  if (!v.inventory) throw new UsageError('needs -i INVENTORY');
  const policy = v['host-keys'];
  if (policy !== undefined && !['strict', 'accept-new', 'off'].includes(policy)) throw new UsageError(`--host-keys must be strict, accept-new or off (got '${policy}')`);
  const inventory = await loadInventoryOrThrow(v.inventory);
  const { playbook, findings } = await loadPlaybook({ path: a.playbook, inventory });
  if (!playbook) throw new UserError(`playbook ${a.playbook} has errors:\n${findings.filter((f) => f.level === 'error').map(formatFinding).join('\n')}`);
  const becomePassword = await readBecomePassword({ ask: !!v['ask-become-pass'] });
  const connector = createConnector({
    ...(v['ssh-config'] ? { sshConfigPath: v['ssh-config'] } : {}),
    ...(policy ? { hostKeyPolicy: policy as HostKeyPolicy } : {}),
    ...(becomePassword ? { becomePassword } : {}),
  });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    if (a.before) await a.before(inventory, connector);
    const write = (s: string) => process.stdout.write(s);
    const report = await runPlaybook({
      playbook,
      inventory,
      options: {
        connector,
        check: !!v.check,
        ...(v.limit ? { limit: v.limit } : {}),
        ...(positiveInt('--concurrency', v.concurrency) ? { concurrency: positiveInt('--concurrency', v.concurrency)! } : {}),
        ...(positiveInt('--max-fail', v['max-fail']) ? { maxFail: positiveInt('--max-fail', v['max-fail'])! } : {}),
        ...(a.selectHosts ? { selectHosts: a.selectHosts } : {}),
        ...(v.json ? {} : { observer: plainObserver(v, write) }),
        signal: abort.signal,
      },
    });
    if (v.json) write(JSON.stringify(jsonReport(report)) + '\n');
    else {
      const failedHosts = Object.entries(report.hosts).filter(([, h]) => h.failed > 0 || h.unreachable).map(([n, h]) => `${n}${h.error ? ` (${h.error.split('\n')[0]})` : ''}`);
      write(`\n${v.check ? 'check' : 'run'}: ${report.changed} ${v.check ? 'to change' : 'changed'}, ${report.failed} failed${report.aborted ? ` (stopped: ${report.aborted})` : ''}\n`);
      if (failedHosts.length) write(`failed: ${failedHosts.join('; ')}\n`);
    }
    const code = report.failed > 0 || report.aborted ? 1 : v.check && report.changed > 0 ? 2 : 0;
    return { report, inventory, code };
  } finally {
    process.off('SIGINT', onSigint);
    await connector.closeAll();
  }
}
