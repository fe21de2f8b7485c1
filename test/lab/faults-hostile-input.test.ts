// Issue 8 item 9: hostile inventories and playbooks are rejected before any SSH connection (the hosts' sshd logs prove it).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunLab, cli, labClient, labRequired, ROOT, skipLab } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const LAB = `fhi${process.pid % 1000}`;
const INV = resolve(ROOT, 'inventory/homelab.yaml');
const PLAYBOOK = resolve(ROOT, 'test/fixtures/playbooks/generic.yaml');
const HOSTS = ['k8s-cp-01', 'k8s-worker-01'];
const lab = labClient(LAB);

if (labRequired && !canRunLab) describe('faults: hostile input', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));

const inv = readFileSync(INV, 'utf8');
const pb = readFileSync(PLAYBOOK, 'utf8');
const MARK = '/tmp/pwned';

function bomb(levels: number): string {
  let y = 'x-bomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i <= levels; i++) y += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return y;
}

/** [label, file name, content, what the error must say]: each is a copy of a good file with one hostile change. */
const inventories: Array<[string, string, string, RegExp]> = [
  ['alias bomb', 'bomb.yaml', bomb(9) + inv, /alias bomb/],
  ['duplicate key', 'dup.yaml', `${inv}\ncluster: { name: evil, kubernetes: "1.32" }\n`, /keys must be unique/],
  ['host name with ;', 'semi.yaml', inv.replace('k8s-worker-01:', `"k8s;touch ${MARK}":`), /invalid-name/],
  ['host name with $()', 'subst.yaml', inv.replace('k8s-worker-01:', `"w$(touch ${MARK})":`), /invalid-name/],
  ['host name with a newline', 'newline.yaml', inv.replace('k8s-worker-01:', '"k8s\\nworker":'), /invalid-name/],
  ['ssh user with a command', 'user.yaml', inv.replace('  user: pi', `  user: "pi;touch ${MARK}"`), /not a valid user name/],
  ['a 20 MB file', 'huge.yaml', `${inv}# ${'x'.repeat(20 << 20)}\n`, /the limit is/],
];
const playbooks: Array<[string, string, string, RegExp]> = [
  ['alias bomb', 'pb-bomb.yaml', bomb(9) + pb, /alias bomb/],
  ['duplicate key', 'pb-dup.yaml', pb.replace('file: { path: /etc/motd,', 'file: { path: /etc/motd, path: /etc/shadow,'), /keys must be unique/],
  ['deep nesting', 'pb-deep.yaml', `x: ${'['.repeat(5000)}${']'.repeat(5000)}\n${pb}`, /nesting deeper/],
  ['hosts with ;', 'pb-hosts.yaml', pb.replace('hosts: all', `hosts: "all;touch ${MARK}"`), /invalid host selector/],
  ['hosts with $()', 'pb-subst.yaml', pb.replace('hosts: all', `hosts: "$(touch ${MARK})"`), /invalid host selector/],
  ['module name as a path', 'pb-module.yaml', pb.replace('file: { path: /etc/motd', '"../../../tmp/evil": { path: /etc/motd'), /unknown module/],
  ['task name with a newline and an ANSI escape', 'pb-name.yaml', pb.replace('- name: motd', '- name: "motd\\n\\u001b[2Jall hosts OK"'), /no newlines, tabs or control characters/],
  ['notify with $()', 'pb-notify.yaml', pb.replace('notify: note', `notify: "note;$(touch ${MARK})"`), /no handler named/],
  ['path with a newline', 'pb-path.yaml', pb.replace('path: /etc/motd', 'path: "/etc/motd\\n/etc/shadow"'), /newline/],
  ['when as code', 'pb-when.yaml', pb.replace(`when: "host.role == 'control-plane' and facts.os.id != 'windows'"`, 'when: "process.exit(1)"'), /unknown name/],
  ['a 20 MB file', 'pb-huge.yaml', `${pb}# ${'y'.repeat(20 << 20)}\n`, /the limit is/],
];

let dir = '';
const sshdLog = (host: string) => {
  try {
    return readFileSync(`/var/lib/provision-lab/${LAB}/hosts/${host}/upper/var/log/sshd.log`, 'utf8');
  } catch {
    return '';
  }
};
/** One "Connection from" line per TCP connection that reached the host's sshd (LogLevel VERBOSE). */
const connections = () => HOSTS.map((h) => (sshdLog(h).match(/Connection from /g) ?? []).length);
const run = (args: string[]) => cli(['lab', 'run', '--name', LAB, '--', ...args]);

describe.skipIf(skipLab)('faults: hostile inventories and playbooks (homelab)', () => {
  beforeAll(async () => {
    await lab.down();
    const up = await lab.up(INV);
    if (up.code !== 0) throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
    dir = tempDir('provision-hostile-');
    for (const [, file, text] of [...inventories, ...playbooks]) writeFileSync(join(dir, file), text);
  });
  afterAll(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the counter works: a good --check run reaches every host', async () => {
    const before = connections();
    const r = await run(['run', PLAYBOOK, '-i', INV, '--check']);
    expect([0, 2], r.stderr).toContain(r.code);
    connections().forEach((n, i) => expect(n, HOSTS[i]).toBeGreaterThan(before[i]!));
  });

  it.each(inventories)('inventory with %s: rejected with file:line, no connection to any host', async (_label, file, _text, msg) => {
    const before = connections();
    for (const verb of [['run', PLAYBOOK], ['up'], ['facts']]) {
      const r = await run([...verb, '-i', join(dir, file)]);
      expect(r.code, `${verb[0]}: ${r.stdout}${r.stderr}`).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(msg);
      expect(r.stdout + r.stderr).toContain(`${file}:`);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // one clear error, no stack trace
    }
    expect(connections()).toEqual(before);
    for (const h of HOSTS) expect((await lab.exec(h, `test -e ${MARK} && echo present || echo absent`)).stdout.trim()).toBe('absent');
  });

  it.each(playbooks)('playbook with %s: rejected with file:line, no connection to any host', async (_label, file, _text, msg) => {
    const before = connections();
    const r = await run(['run', join(dir, file), '-i', INV]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(msg);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`${file.replace('.', '\\.')}:\\d+:\\d+`));
    expect(connections()).toEqual(before);
    for (const h of HOSTS) expect((await lab.exec(h, `test -e ${MARK} && echo present || echo absent`)).stdout.trim()).toBe('absent');
  });

  it('a task name with ; and $() is display text only: it runs, is reported verbatim, and reaches no shell', async () => {
    const name = `motd; $(touch ${MARK}) \`touch ${MARK}\``;
    const file = join(dir, 'pb-display.yaml');
    writeFileSync(file, pb.replace('- name: motd', `- name: ${JSON.stringify(name)}`));
    const r = await run(['run', file, '-i', INV, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { hosts: Record<string, { changes: Array<{ task: string }> }> };
    for (const h of HOSTS) {
      expect(json.hosts[h]!.changes.map((c) => c.task)).toContain(name);
      expect((await lab.exec(h, `cat /etc/motd; test -e ${MARK} && echo present || echo absent`)).stdout).toBe('provisioned by provision\nabsent');
    }
  });
});
