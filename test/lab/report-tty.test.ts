// Lab proof of "what a run looks like" (goldentooth, 13 hosts): `up` recorded in a real pseudo-terminal with
// `script` (util-linux; Debian: bsdutils) and replayed by a terminal emulator — each play's line with n/m hosts, hosts at work under
// the running play, the collapse to one line per play, 80 columns, NO_COLOR — plus --check's grouped plan and
// counts (exit 2), --events against --json, and --timestamps on plain lines.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../support/screen.js';
import { canRunLab, CLI, labClient, labRequired, leftovers, ROOT, skipLab } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const NAME = 'i22-rt';
const lab = labClient(NAME);
const INV = resolve(ROOT, 'inventory/goldentooth.yaml');
/** goldentooth is kept as built: its known lint errors are accepted explicitly. */
const UP = ['up', '-i', INV, '--accept-lint', 'metallb-unrouted,asn-reserved'];
const PLAYS = [
  'Name resolution and hostname on every host', 'Kubernetes node prerequisites', 'Firewall for each role (SSH always first)',
  'API load balancer (haproxy mode)', 'API VIP (kube-vip mode), written before init and join', 'Initialise the cluster on the first control plane',
  'kube-vip back to admin.conf after init', 'Join the other control planes, one at a time', 'Join the workers', 'Pod network, load balancer and kubeconfig',
];
// Runs happen in a scratch directory (up writes ./kubeconfig/); captures are kept there for the README.
const work = tempDir('provision-i22-');
const hasScript = existsSync('/usr/bin/script');

/** `provision lab run -- ARGS` without a terminal. */
async function labRun(args: string[], env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [CLI, 'lab', 'run', '--name', NAME, '--', ...args], { reject: false, cwd: work, env, stdin: 'ignore' });
  return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `provision lab run -- ARGS` in an 80x40 pseudo-terminal recorded by `script`; returns the replayed screen. */
async function inTerminal(label: string, args: string[], env: Record<string, string> = {}) {
  const file = join(work, `${label}.typescript`);
  const quoted = [process.execPath, CLI, 'lab', 'run', '--name', NAME, '--', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = await execa('script', ['-qfec', `stty cols 80 rows 40; exec ${quoted}`, file], {
    reject: false, cwd: work, stdin: 'ignore', extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'xterm-256color', ...env },
  });
  const bytes = readFileSync(file, 'utf8');
  // script(1) frames the session with "Script started/done" lines: keep what the program drew.
  const body = bytes.slice(bytes.indexOf('\n') + 1, bytes.lastIndexOf('\nScript done') + 1 || undefined);
  const screen = replay(body, 80, 40);
  writeFileSync(join(work, `${label}.screen.txt`), `${screen.lines.join('\n')}\n`);
  return { code: r.exitCode ?? 1, bytes: body, ...screen };
}

/** The part of the screen between the first play line and the recap. */
function playView(lines: string[]): string[] {
  const first = lines.findIndex((l) => /^[✔✖] /.test(l));
  const recap = lines.indexOf('RECAP');
  expect(first, lines.join('\n')).toBeGreaterThanOrEqual(0);
  expect(recap, lines.join('\n')).toBeGreaterThan(first);
  return lines.slice(first, recap);
}

const prefix = (name: string) => name.slice(0, 20);

describe.skipIf(skipLab)('lab: what a run looks like (goldentooth)', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV);
    expect(up.code, up.stderr).toBe(0);
  }, 600_000);
  afterAll(async () => {
    if (canRunLab) await lab.down();
    process.stdout.write(`report-tty captures kept in ${work}\n`);
  });

  it('has script (Debian: bsdutils) to record a terminal (fails here when PROVISION_LAB_REQUIRED=1 and it is missing)', () => {
    if (labRequired || canRunLab) expect(hasScript).toBe(true);
  });

  it('up --check on bare hosts prints the plan grouped by host with the counts line, and exits 2', async () => {
    const r = await labRun([...UP, '--check']);
    expect(r.code, r.stderr).toBe(2);
    const plan = r.stdout.slice(r.stdout.indexOf('\nPLAN\n') + 1, r.stdout.indexOf('\nRECAP\n'));
    const lines = plan.trimEnd().split('\n');
    expect(lines[0]).toBe('PLAN');
    // Host headings, each followed by its changes with their action.
    expect(lines).toContain('bettley');
    const bettley = lines.slice(lines.indexOf('bettley') + 1, lines.indexOf('cargyll'));
    expect(bettley.length).toBeGreaterThan(3);
    for (const l of bettley) expect(l).toMatch(/^ {2}[+~>-] (create|update|run|delete) +\S/);
    expect(bettley).toContainEqual(expect.stringMatching(/^ {2}> run {5}kubeadm init: /));
    const counts = /^(\d+) to create, (\d+) to update, (\d+) to run, (\d+) to delete on 13 hosts$/m.exec(plan);
    expect(counts, plan.slice(-400)).not.toBeNull();
    const json = await labRun([...UP, '--check', '--json']);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout) as { actions: Record<string, number>; changed: number };
    expect(doc.actions).toEqual({ create: Number(counts![1]), update: Number(counts![2]), run: Number(counts![3]), delete: Number(counts![4]), hosts: 13 });
    expect(doc.changed).toBe(Object.values(doc.actions).reduce((a, b) => a + b, 0) - 13);
  });

  it('up in a terminal: each play has its line with n/m hosts, hosts at work show their task, every play collapses', async () => {
    const r = await inTerminal('first-up', UP);
    expect(r.code, r.lines.slice(-30).join('\n')).toBe(0);
    expect(r.widest).toBeLessThanOrEqual(80);
    const view = playView(r.lines);
    const playLines = view.filter((l) => /^[✔✖] /.test(l));
    expect(playLines).toHaveLength(PLAYS.length + 1);
    // First the up-front phase (every host connected and probed once), then each play.
    expect(playLines[0]).toMatch(/^✔ Connect and read every host +13\/13 hosts +changed 0 +failed 0 +[0-9.ms]+$/);
    PLAYS.forEach((p, i) => expect(playLines[i + 1]).toMatch(new RegExp(`^✔ ${prefix(p).replace(/[()]/g, '\\$&')}.* (\\d+)/\\1 hosts? +changed \\d+ +failed 0 +[0-9.ms]+$`)));
    // Collapsed: nothing but the play lines is left between the first play and the recap.
    expect(view.filter((l) => l !== '' && !/^[✔✖] /.test(l))).toEqual([]);
    // While it ran, the init play listed bettley under it with the task it was on.
    expect(r.bytes).toMatch(/Initialise the cluster[^\n]*0\/1 host[^\n]*\r?\n {2}bettley +(\u001b\[2m)?kubeadm init/);
    expect(r.lines.join('\n')).toMatch(/time per play:\n(.*\n){10}/);
    expect(r.lines.join('\n')).toMatch(/slowest hosts: \S+ [0-9.ms]+, \S+ [0-9.ms]+, \S+ [0-9.ms]+\n/);
  }, 900_000);

  it('a converged re-run fits in at most 15 lines before the recap, and NO_COLOR leaves no colour code', async () => {
    const r = await inTerminal('converged-up', UP, { NO_COLOR: '1' });
    expect(r.code).toBe(0);
    const view = playView(r.lines);
    expect(view.length).toBeLessThanOrEqual(15);
    expect(view.filter((l) => /^✔ .* changed 0 +failed 0 /.test(l))).toHaveLength(PLAYS.length + 1);
    expect(r.bytes).not.toMatch(/\u001b\[[0-9;]*m/);
    expect(r.widest).toBeLessThanOrEqual(80);
  });

  it('up --events prints JSON Lines whose last event holds the same totals as --json', async () => {
    const ev = await labRun([...UP, '--events']);
    expect(ev.code, ev.stderr).toBe(0);
    const events = ev.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ schemaVersion: 1, type: 'run-start', playbook: 'up', plays: PLAYS });
    expect(events.filter((e) => e.type === 'play-start').map((e) => e.play)).toEqual(PLAYS);
    expect(events.filter((e) => e.type === 'task-result').length).toBeGreaterThan(50);
    const last = events.at(-1)!;
    expect(last.type).toBe('run-end');
    const json = await labRun([...UP, '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.fromEntries(Object.keys(doc).map((k) => [k, last[k]]))).toEqual(doc);
    expect(doc).toMatchObject({ changed: 0, failed: 0, actions: { create: 0, update: 0, run: 0, delete: 0, hosts: 0 } });
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'events.jsonl'), ev.stdout);
  });

  it('without a terminal, --timestamps starts every progress line with the time and the play', async () => {
    const r = await labRun([...UP, '--timestamps']);
    expect(r.code).toBe(0);
    const progress = r.stdout.slice(0, r.stdout.indexOf('\nRECAP')).split('\n').filter(Boolean);
    expect(progress.length).toBeGreaterThanOrEqual(PLAYS.length * 2);
    for (const l of progress) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[[^\]]+\] /);
  });

  it('lab down leaves nothing behind', async () => {
    expect((await lab.down()).code).toBe(0);
    expect(await leftovers(NAME)).toEqual([]);
    rmSync(join(work, 'kubeconfig'), { recursive: true, force: true });
  });
});
