// Walks a run's playbook: plays in sequence, hosts in parallel (bounded, in serial batches), failures isolated.
import type { Host } from '../inventory/types.js';
import { resolveTerms, selectHosts } from '../playbook/selector.js';
import type { Play, Playbook } from '../playbook/types.js';
import { isUnreachable } from '../core/connector.js';
import type { HostPlayContext } from './host-context.js';
import { HostFailure, HostStopped } from './host-errors.js';
import { planAndApply } from './host-play.js';
import { probeHost } from './probe-host.js';
import { mapLimit, serialBatches } from '../core/batches.js';
import { emptyHostReport, totals, type HostReport, type RunReport } from './report-model.js';
import type { GateAnswer, RunScope } from './run-scope.js';
import type { Facts } from '../core/types.js';

/** Runs every play of `playbook` in `run` and returns the report; the run's connections are closed at the end. */
export async function playPlaybook(run: RunScope, playbook: Playbook): Promise<RunReport> {
  const { options: o, inventory, pool } = run;
  // hosts has no prototype: a host named `constructor` or `prototype` is an ordinary key.
  const report: RunReport = { playbook: playbook.name, check: run.check, changed: 0, failed: 0, hosts: Object.create(null) as RunReport['hosts'] };
  const limit = o.limit ? new Set(selectHosts(o.limit, inventory).map((h) => h.name)) : undefined;
  const failed = new Set<string>();
  const stopReason = run.stopReason;
  const hostReport = (name: string): HostReport => (report.hosts[name] ??= emptyHostReport());

  const fail = async (play: Play, host: string, err: unknown) => {
    const r = hostReport(host);
    r.failed = 1;
    r.unreachable ||= err instanceof HostFailure ? err.unreachable : isUnreachable(err);
    const hint = (err as { hint?: unknown }).hint;
    // Transport errors carry what to do (e.g. "use --ask-become-pass"): keep it with the reason.
    r.error = typeof hint === 'string' && hint ? `${(err as Error).message} (hint: ${hint})` : (err as Error).message;
    failed.add(host);
    o.observer?.hostEnd?.({ play: play.name, host, report: r, error: r.error });
    if (o.maxFail !== undefined && failed.size >= o.maxFail && !report.aborted) report.aborted = run.aborted = `--max-fail ${o.maxFail} reached`;
    await pool.drop(host);
  };

  const context = (play: Play, host: Host): HostPlayContext => ({ run, play, host, report: hostReport(host.name) });

  const playHosts = (play: Play): Host[] => {
    const hosts = resolveTerms(play.selector, inventory).filter((h) => (!limit || limit.has(h.name)) && !failed.has(h.name));
    return o.selectHosts ? o.selectHosts(play, hosts) : hosts;
  };
  /** Changes applied so far, on any host: facts read before one are stale for every later play. */
  const appliedCount = () => Object.values(report.hosts).reduce((n, r) => n + r.changes.filter((c) => c.applied).length, 0);
  const upfront = new Map<string, Facts>();

  o.observer?.runStart?.({ playbook: playbook.name, check: run.check, plays: playbook.plays.map((p) => p.name) });
  try {
    // One probe per host for the whole playbook: what every play will ask, read in one exec. Plays reuse
    // these facts until something is applied somewhere, so a converged run costs one exec per host. A gate's
    // reads (up's preflight) ride in the same exec, and its check sees every answer before any host changes.
    const answers: GateAnswer[] = [];
    if (playbook.plays.length > 1 || o.gate) {
      const plays = new Map<string, Play[]>();
      for (const play of playbook.plays) for (const h of playHosts(play)) plays.set(h.name, [...(plays.get(h.name) ?? []), play]);
      await mapLimit([...plays.keys()].map((n) => pool.host(n)), run.concurrency, async (host) => {
        const mine = plays.get(host.name)!;
        const merged: Play = { ...mine[0]!, tasks: mine.flatMap((p) => [...p.tasks, ...p.handlers]), handlers: [] };
        hostReport(host.name);
        if (stopReason()) return void markSkipped(mine[0]!, host); // --max-fail reached, Ctrl-C: connect no more hosts
        try {
          o.observer?.hostPhase?.({ play: mine[0]!.name, host: host.name, phase: 'connecting' });
          const probed = await probeHost(context(merged, host), o.gate?.probe(host));
          upfront.set(host.name, probed.facts);
          answers.push({ host, sections: probed.sections, facts: probed.facts, sentAt: probed.sentAt, answeredAt: probed.answeredAt });
          o.observer?.hostPhase?.({ play: mine[0]!.name, host: host.name, phase: 'waiting' });
        } catch (e) {
          answers.push({ host, error: (e as Error).message, unreachable: e instanceof HostFailure ? e.unreachable : isUnreachable(e) });
          await fail(mine[0]!, host.name, e);
        }
      });
    }
    if (o.gate) {
      try {
        // In inventory order, whatever order the hosts answered in.
        const order = new Map(inventory.hosts.map((h, i) => [h.name, i]));
        o.gate.check(answers.sort((a, b) => order.get(a.host.name)! - order.get(b.host.name)!));
      } catch (e) {
        // Nothing changed anywhere: the progress view closes its up-front phase, the caller reports the error.
        report.aborted = (e as Error).message.split('\n')[0];
        totals(report);
        o.observer?.runEnd?.({ report });
        throw e;
      }
    }
    const upfrontValid = () => appliedCount() === 0;

    for (const [index, play] of playbook.plays.entries()) {
      if (stopReason()) break;
      const hosts = playHosts(play);
      o.observer?.playStart?.({ play: play.name, index, total: playbook.plays.length, hosts: hosts.map((h) => h.name) });
      for (const batch of serialBatches(hosts, play.serial)) {
        // Phase 1: connect and probe every host of the batch, so planning sees all peers' facts.
        const probed = await mapLimit(batch, run.concurrency, async (host) => {
          hostReport(host.name);
          if (stopReason()) return markSkipped(play, host);
          try {
            const known = upfrontValid() ? upfront.get(host.name) : undefined;
            if (known) {
              run.peers.set(host.name, known);
              return { host, facts: known };
            }
            o.observer?.hostPhase?.({ play: play.name, host: host.name, phase: 'connecting' });
            const { facts } = await probeHost(context(play, host));
            run.peers.set(host.name, facts);
            return { host, facts };
          } catch (e) {
            await fail(play, host.name, e);
            return undefined;
          }
        });
        // Phase 2: plan and apply, each host on its own.
        await mapLimit(probed.filter((p): p is { host: Host; facts: Facts } => !!p), run.concurrency, async ({ host, facts }) => {
          try {
            await planAndApply(context(play, host), facts);
            o.observer?.hostEnd?.({ play: play.name, host: host.name, report: hostReport(host.name) });
          } catch (e) {
            if (e instanceof HostStopped) markSkipped(play, host);
            else await fail(play, host.name, e);
          }
        });
      }
      o.observer?.playEnd?.({ play: play.name });
    }
  } finally {
    await pool.closeAll();
  }
  if (run.interrupted && !report.aborted) report.aborted = 'interrupted';
  totals(report);
  o.observer?.runEnd?.({ report });
  return report;

  function markSkipped(play: Play, host: Host): undefined {
    const r = hostReport(host.name);
    if (r.failed === 0 && r.changes.every((c) => !c.applied)) r.skipped = true;
    o.observer?.hostPhase?.({ play: play.name, host: host.name, phase: 'skipped' });
    return undefined;
  }
}
