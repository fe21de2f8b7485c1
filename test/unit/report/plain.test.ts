// Plain lines (pipes, logs, CI): every line names its play; --timestamps starts each with the time; NO_COLOR.
import { describe, expect, it } from 'vitest';
import type { RunObserver } from '../../../src/engine/events.js';
import type { RunReport } from '../../../src/engine/report-model.js';
import { createReporter } from '../../../src/report/reporter.js';

const report: RunReport = {
  playbook: 'up', check: false, changed: 1, failed: 1,
  hosts: {
    a: { ok: 1, changed: 1, failed: 0, unreachable: false, changes: [{ play: 'Firewall', task: 'nft', action: 'update', summary: 'update /etc/nftables.conf', applied: true }] },
    b: { ok: 0, changed: 0, failed: 1, unreachable: true, error: 'b: cannot connect to pi@10.0.0.2:22: ECONNREFUSED\n(hint: is sshd running?)', changes: [] },
  },
};

async function run(opts: { timestamps?: boolean; env?: NodeJS.ProcessEnv; check?: boolean }) {
  let out = '';
  let now = Date.parse('2026-12-01T20:00:00.000Z');
  const rep = createReporter({ stdout: { isTTY: false, write: (s: string) => (out += s) }, env: opts.env ?? {}, timestamps: opts.timestamps, check: opts.check, now: () => now });
  const o = rep.observer as Required<RunObserver>;
  o.runStart({ playbook: 'up', check: false, plays: ['Firewall'] });
  // b fails while connecting, before its play starts: its line still names the play it was for.
  o.hostPhase({ play: 'Firewall', host: 'b', phase: 'connecting' });
  now += 1500;
  o.hostEnd({ play: 'Firewall', host: 'b', report: report.hosts.b!, error: report.hosts.b!.error });
  o.playStart({ play: 'Firewall', index: 0, total: 1, hosts: ['a'] });
  o.hostPhase({ play: 'Firewall', host: 'a', phase: 'applying', task: 'nft' });
  now += 2000;
  o.change({ host: 'a', record: report.hosts.a!.changes[0]! });
  o.hostEnd({ play: 'Firewall', host: 'a', report: report.hosts.a! });
  o.playEnd({ play: 'Firewall' });
  await rep.finish({ ...report, check: !!opts.check });
  return out;
}

describe('plain lines', () => {
  it('name the play on every progress line, show errors in full, and end the play with its counts and time', async () => {
    const out = await run({ env: { NO_COLOR: '1' } });
    expect(out).not.toContain('\u001b[');
    const progress = out.slice(0, out.indexOf('RECAP')).trimEnd().split('\n');
    expect(progress).toEqual([
      '[Firewall] b  FAILED  cannot connect to pi@10.0.0.2:22: ECONNREFUSED',
      '[Firewall] (hint: is sshd running?)',
      '[Firewall] PLAY 1/1 1 host',
      '[Firewall] a  update  nft: update /etc/nftables.conf',
      '[Firewall] done: 1/1 host, changed 1, failed 0 in 2.0s',
    ]);
    expect(out).toMatch(/time per play:\n {2}1\.5s {2}connect and read every host, once, before the first play\n {2}2\.0s {2}Firewall \(1 host\)\n/);
    expect(out).toMatch(/slowest hosts: a 2\.0s, b 1\.5s\n/);
    expect(out).toMatch(/total: changed 1, failed hosts 1 in 3\.5s\n$/);
  });

  it('--timestamps starts every progress line with the ISO time', async () => {
    const out = await run({ timestamps: true, env: { NO_COLOR: '1' } });
    const progress = out.slice(0, out.indexOf('RECAP')).trimEnd().split('\n');
    expect(progress[0]).toBe('2026-12-01T20:00:01.500Z [Firewall] b  FAILED  cannot connect to pi@10.0.0.2:22: ECONNREFUSED');
    expect(progress.at(-1)).toBe('2026-12-01T20:00:03.500Z [Firewall] done: 1/1 host, changed 1, failed 0 in 2.0s');
    expect(progress.every((l) => /^2026-12-01T20:00:0\d\.\d{3}Z \[Firewall\] /.test(l))).toBe(true);
  });

  it('colours only when asked (FORCE_COLOR) and never with NO_COLOR', async () => {
    expect(await run({ env: { FORCE_COLOR: '1' } })).toContain('\u001b[');
    expect(await run({ env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).not.toContain('\u001b[');
  });

  it('--check ends with the grouped plan and its counts line before the recap', async () => {
    const out = await run({ check: true, env: { NO_COLOR: '1' } });
    expect(out).toContain('[Firewall] a  would update  nft: update /etc/nftables.conf');
    expect(out).toMatch(/\nPLAN\na\n {2}~ update {2}nft: update \/etc\/nftables.conf\n0 to create, 1 to update, 0 to run, 0 to delete on 1 host\n\nRECAP\n/);
  });
});
