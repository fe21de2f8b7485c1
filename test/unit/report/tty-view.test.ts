// The TTY view as a user sees it: listr2 draws into a fake 80-column terminal, and a small terminal emulator
// replays the bytes. A running play lists only the hosts still working; a finished play collapses to one line.
import { describe, expect, it, vi } from 'vitest';
import type { RunObserver } from '../../../src/engine/events.js';
import type { RunReport } from '../../../src/engine/report-model.js';
import { createReporter } from '../../../src/report/reporter.js';
import { replay } from '../../support/screen.js';

function terminal(cols = 80, rows = 24) {
  const t = { isTTY: true, columns: cols, rows, bytes: '', write: (s: string) => ((t.bytes += s), true) };
  return t;
}

const LONG = 'Kubernetes node prerequisites, containerd and the kube packages on every node of the cluster';
const report: RunReport = {
  playbook: 'up', check: false, changed: 2, failed: 1,
  hosts: {
    'k8s-worker-with-a-very-long-hostname-01': { ok: 3, changed: 1, failed: 0, unreachable: false, changes: [] },
    cp1: { ok: 2, changed: 1, failed: 0, unreachable: false, changes: [] },
    w2: { ok: 0, changed: 0, failed: 1, unreachable: false, error: 'w2: task \'swap\': exit 1: swapoff: /swapfile: Operation not permitted (hint: run with --ask-become-pass)', changes: [] },
  },
};
const HOSTS = Object.keys(report.hosts);
const W = HOSTS[0]!;

function setup() {
  let now = 1_000_000;
  const term = terminal();
  const rep = createReporter({ stdout: term, env: { NO_COLOR: '1', TERM: 'xterm' }, now: () => now });
  const o = rep.observer as Required<RunObserver>;
  return { term, rep, o, tick: (ms: number) => (now += ms), screen: () => replay(term.bytes, 80, 24) };
}

const change = (host: string, play: string, task: string) => ({ host, record: { play, task, action: 'update' as const, summary: 's', applied: true } });

describe('TTY view', () => {
  it('shows the running play with only its working hosts, then collapses it to one line per play', async () => {
    const { rep, o, tick, screen, term } = setup();
    o.runStart({ playbook: 'up', check: false, plays: ['Name resolution', LONG] });
    o.playStart({ play: 'Name resolution', index: 0, total: 2, hosts: HOSTS });
    for (const h of HOSTS) o.hostPhase({ play: 'Name resolution', host: h, phase: 'planning' });
    o.hostPhase({ play: 'Name resolution', host: 'cp1', phase: 'applying', task: '/etc/hosts block and hostname' });
    o.hostEnd({ play: 'Name resolution', host: W, report: report.hosts[W]! });
    tick(1200);
    await vi.waitFor(() => expect(screen().lines.join('\n')).toContain('/etc/hosts block and hostname'), { timeout: 5000 });
    const running = screen().lines;
    const playLine = running.findIndex((l) => l.includes('Name resolution'));
    expect(running[playLine]).toMatch(/Name resolution +1\/3 hosts +changed 0 +failed 0 +1\.2s$/);
    // Under it: the two hosts still working, each with what it is on; the finished one is gone.
    expect(running.slice(playLine + 1)).toEqual([expect.stringMatching(/^ {2}cp1 +\/etc\/hosts block and hostname$/), expect.stringMatching(/^ {2}w2 +planning$/)]);

    o.change(change('cp1', 'Name resolution', '/etc/hosts block and hostname'));
    o.hostEnd({ play: 'Name resolution', host: 'cp1', report: report.hosts.cp1! });
    o.hostEnd({ play: 'Name resolution', host: 'w2', report: report.hosts.w2!, error: report.hosts.w2!.error });
    tick(800);
    o.playEnd({ play: 'Name resolution' });
    o.playStart({ play: LONG, index: 1, total: 2, hosts: [W, 'cp1'] });
    o.hostPhase({ play: LONG, host: W, phase: 'applying', task: 'containerd with SystemdCgroup, a task name far too long to fit in eighty columns' });
    o.change(change(W, LONG, 'containerd'));
    o.hostEnd({ play: LONG, host: W, report: report.hosts[W]! });
    o.hostEnd({ play: LONG, host: 'cp1', report: report.hosts.cp1! });
    tick(65_000);
    o.playEnd({ play: LONG });
    await rep.finish(report);

    const { lines, widest } = screen();
    expect(widest).toBeLessThanOrEqual(80);
    const recap = lines.indexOf('RECAP');
    const view = lines.slice(0, recap).filter((l) => l !== '');
    // Each play is one summary line; the failed host's error and hint are shown in full under its play.
    expect(view[0]).toMatch(/^✖ Name resolution +3\/3 hosts +changed 1 +failed 1 +2\.0s$/);
    expect(view.slice(1, -1).join(' ')).toMatch(/✖ w2: task 'swap': exit 1: swapoff: \/swapfile: Operation not permitted +\(hint: run with +--ask-become-pass\)/);
    expect(view.at(-1)).toMatch(/^✔ Kubernetes node prereq[a-z, ]*… {2}2\/2 hosts +changed 1 +failed 0 +1m05s$/);
    // The counts of every play stand in the same columns.
    expect(view[0]!.indexOf('changed')).toBe(view.at(-1)!.indexOf('changed'));
    // The collapse: no host line of either play is left on screen.
    expect(view.filter((l) => /planning|SystemdCgroup|\/etc\/hosts block/.test(l))).toEqual([]);
    // The recap repeats the failure and says where the time went.
    const after = lines.slice(recap).join('\n');
    expect(after).toMatch(/failed hosts:\n {2}w2: task 'swap': exit 1: swapoff: \/swapfile: Operation not permitted \(hint:\n {4}run with --ask-become-pass\)\n/);
    expect(after).toMatch(/time per play:\n +2\.0s {2}Name resolution \(3 hosts\)\n +1m05s {2}Kubernetes node prerequisites, containerd and the kube packages on eve…\n/);
    // Busy time only: the long-named host finished before the clock moved.
    expect(after).toMatch(/slowest hosts: cp1 1\.2s, w2 1\.2s\n/);
    // NO_COLOR: provision's own text carries no colour codes (listr2 follows NO_COLOR in the real environment).
    expect(term.bytes).not.toMatch(/\u001b\[1m|\u001b\[33m|\u001b\[2m(?!K)/);
  });

  it('shows the up-front connect phase as its own line, with the hosts that failed to connect under it', async () => {
    const { rep, o, tick, screen } = setup();
    o.runStart({ playbook: 'up', check: false, plays: ['Name resolution', 'Join'] });
    for (const h of ['cp1', 'w2']) o.hostPhase({ play: 'Name resolution', host: h, phase: 'connecting' });
    tick(3000);
    await vi.waitFor(() => expect(screen().lines.join('\n')).toMatch(/Connect and read every host +0\/2 hosts .* 3\.0s\n {2}cp1 +connecting\n {2}w2 +connecting/), { timeout: 5000 });
    o.hostPhase({ play: 'Name resolution', host: 'cp1', phase: 'probing' });
    o.hostPhase({ play: 'Name resolution', host: 'cp1', phase: 'waiting' });
    tick(7000);
    o.hostEnd({ play: 'Name resolution', host: 'w2', report: report.hosts.w2!, error: 'w2: cannot connect to pi@10.0.0.3:22: timed out after 10s (hint: is the host up?)' });
    o.playStart({ play: 'Name resolution', index: 0, total: 2, hosts: ['cp1'] });
    o.hostEnd({ play: 'Name resolution', host: 'cp1', report: report.hosts.cp1! });
    o.playEnd({ play: 'Name resolution' });
    await rep.finish(report);
    const lines = screen().lines;
    const view = lines.slice(0, lines.indexOf('RECAP')).filter((l) => l !== '');
    expect(view).toEqual([
      expect.stringMatching(/^✖ Connect and read every host +2\/2 hosts +changed 0 +failed 1 +10s$/),
      '  ✖ w2: cannot connect to pi@10.0.0.3:22: timed out after 10s (hint: is the',
      '    host up?)',
      expect.stringMatching(/^✔ Name resolution +1\/1 host +changed 0 +failed 0 +0\.0s$/),
    ]);
    expect(view[0]!.indexOf('changed')).toBe(view[3]!.indexOf('changed'));
  });

  it('a run stopped before its first play (up\'s preflight) closes the connect phase, and settle waits for the view', async () => {
    const { rep, o, tick, screen } = setup();
    o.runStart({ playbook: 'up', check: false, plays: ['Name resolution'] });
    for (const h of ['cp1', 'w2']) o.hostPhase({ play: 'Name resolution', host: h, phase: 'connecting' });
    for (const h of ['cp1', 'w2']) o.hostPhase({ play: 'Name resolution', host: h, phase: 'waiting' });
    tick(2000);
    o.runEnd({ report: { ...report, aborted: 'preflight found errors; no host was changed' } });
    await rep.settle();
    expect(screen().lines.filter((l) => l !== '')).toEqual([expect.stringMatching(/^✔ Connect and read every host +2\/2 hosts .* 2\.0s$/)]);
  });

  it('lists at most a screenful of working hosts and counts the rest', async () => {
    const { rep, o, screen } = setup();
    const many = Array.from({ length: 30 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
    o.runStart({ playbook: 'up', check: false, plays: ['big'] });
    o.playStart({ play: 'big', index: 0, total: 1, hosts: many });
    for (const h of many) o.hostPhase({ play: 'big', host: h, phase: 'probing' });
    await vi.waitFor(() => expect(screen().lines.join('\n')).toContain('more hosts working'), { timeout: 5000 });
    const lines = screen().lines;
    expect(lines.filter((l) => /node-\d\d +probing/.test(l)).length).toBeLessThanOrEqual(14);
    expect(lines.length).toBeLessThan(24);
    for (const h of many) o.hostEnd({ play: 'big', host: h, report: { ok: 1, changed: 0, failed: 0, unreachable: false, changes: [] } });
    o.playEnd({ play: 'big' });
    await rep.finish({ playbook: 'up', check: false, changed: 0, failed: 0, hosts: {} });
    const end = screen().lines;
    expect(end.filter((l) => l.includes('probing') || l.includes('more hosts'))).toEqual([]);
    expect(end.find((l) => l.includes('big'))).toMatch(/^✔ big +30\/30 hosts/);
  });
});
