// Lab proof of the transport: real sshd and sudo with a password, wrong/missing password errors, a changed host key.
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const LAB = 'trb';
const inventory = join(root, 'inventory/flat-bgp.yaml');
const canary = `Canary-${process.pid}-pw`;
const canLab = process.platform === 'linux' && process.getuid?.() === 0;
const required = process.env.PROVISION_LAB_REQUIRED === '1';

if (required && !canLab) {
  describe('transport lab', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', () => expect.fail('not root on Linux')));
}

/** Runs a transport script in the lab's laptop namespace against the built dist/, returns its JSON. */
function inLaptop(script: string, env: Record<string, string>): Promise<{ out: unknown; stdout: string; stderr: string }> {
  const labEnv = { HOME: join(labState?.dir ?? "", "home"), PROVISION_SSH_CONFIG: sshConfig() };
  return new Promise((done, fail) => {
    const child = spawn('ip', ['netns', 'exec', `pl-${LAB}_laptop`, process.execPath, '--input-type=module', '-e', script], {
      env: { ...process.env, ...labEnv, ...env, DIST: join(root, 'dist'), INVENTORY: inventory },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', () => {
      try {
        done({ out: JSON.parse(stdout.trim().split('\n').pop() ?? 'null'), stdout, stderr });
      } catch {
        fail(new Error(`bad output: ${stdout} ${stderr}`));
      }
    });
  });
}

let labState: { dir: string } | undefined;
function sshConfig(): string {
  return join(labState?.dir ?? '', 'ssh/ssh_config');
}

const PRELUDE = `
const t = await import(process.env.DIST + '/transport/index.js');
const { loadInventoryOrThrow } = await import(process.env.DIST + '/inventory/load.js');
const inv = await loadInventoryOrThrow(process.env.INVENTORY);
const host = inv.hosts[0];
const errOf = (e) => ({ name: e.name, kind: e.kind, problem: e.problem, message: e.message, hint: e.hint, line: e.line, file: e.file });
`;

describe.skipIf(!canLab)('transport in the lab (sudo with a password)', () => {
  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error('build first: npm run build');
    await execa(process.execPath, [cli, 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
    const out = String((await execa(process.execPath, [cli, 'lab', 'up', '-i', inventory, '--name', LAB, '--sudo-password'], {
      env: { ...process.env, PROVISION_BECOME_PASSWORD: canary },
    })).stdout);
    const m = /ssh config: (\S+)\/ssh\/ssh_config/.exec(out);
    if (!m?.[1]) throw new Error(`lab up did not say where its ssh config is:\n${out}`);
    labState = { dir: m[1] };
  });
  afterAll(async () => {
    await execa(process.execPath, [cli, 'lab', 'down', '--name', LAB], { stdio: 'ignore' });
  });

  it('becomes root with the password from PROVISION_BECOME_PASSWORD; the password is in no output and no process list', async () => {
    let sawCanaryInPs = false;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const ps = String((await execa('ps', ['-eo', 'args'])).stdout);
        if (ps.includes(canary)) sawCanaryInPs = true;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const { out, stdout, stderr } = await inLaptop(
      `${PRELUDE}
const pw = await t.readBecomePassword({ ask: false });
const c = t.createConnector({ becomePassword: pw });
const s = await c.connect(host, inv);
const id = await s.exec({ argv: ['id', '-u'], sudo: true });
const user = await s.exec({ argv: ['id', '-un'] });
const piped = await s.exec({ argv: ['sh', '-c', 'cat > /root/transport-proof && cat /root/transport-proof'], sudo: true, stdin: 'through sudo stdin' });
const slow = s.exec({ argv: ['sleep', '1'], sudo: true });
const ps = await s.exec({ argv: ['ps', '-eo', 'args'] });
await slow;
await c.closeAll();
console.log(JSON.stringify({ id: id.stdout.trim(), idErr: id.stderr, user: user.stdout.trim(), piped: piped.stdout, hostPsHasCanary: ps.stdout.includes(process.env.CANARY), envLeft: process.env.PROVISION_BECOME_PASSWORD ?? null }));
`,
      { PROVISION_BECOME_PASSWORD: canary, CANARY: canary },
    );
    polling = false;
    await poll;
    expect(out).toEqual({ id: '0', idErr: '', user: 'ubuntu', piped: 'through sudo stdin', hostPsHasCanary: false, envLeft: null });
    expect(stdout + stderr).not.toContain(canary);
    expect(sawCanaryInPs).toBe(false);
    const proof = String((await execa(process.execPath, [cli, 'lab', 'exec', '--name', LAB, 'k8s-vm-01', '--', 'cat', '/root/transport-proof'])).stdout);
    expect(proof).toBe('through sudo stdin');
  });

  it.each([
    ['Wr0ng-canary-pw', 'wrong-password'],
    ['', 'password-required'],
  ])('password %j → SudoError %s, the password never shown', async (pw, kind) => {
    const { out, stdout, stderr } = await inLaptop(
      `${PRELUDE}
const pw = await t.readBecomePassword({ ask: false });
const c = t.createConnector({ becomePassword: pw });
const s = await c.connect(host, inv);
const r = await s.exec({ argv: ['id', '-u'], sudo: true }).then(() => ({ ok: true }), errOf);
await c.closeAll();
console.log(JSON.stringify(r));
`,
      { PROVISION_BECOME_PASSWORD: pw },
    );
    expect(out).toMatchObject({ name: 'SudoError', kind });
    if (pw) expect(stdout + stderr).not.toContain(pw);
    expect(stdout + stderr).not.toContain(canary);
  });

  it.each(['strict', 'accept-new'])('a changed host key is refused under %s, naming the known_hosts line', async (policy) => {
    const cfg = readFileSync(sshConfig(), 'utf8');
    const known = /UserKnownHostsFile (\S+)/.exec(cfg)![1]!;
    const forged = `${known}.forged`;
    // Same names, a different (valid-looking) ed25519 key: what a reinstalled host or an attacker presents.
    const lines = readFileSync(known, 'utf8').replace(/ssh-ed25519 \S+/g, `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE${'A'.repeat(40)}x`);
    writeFileSync(forged, lines);
    writeFileSync(`${sshConfig()}.forged`, cfg.replace(known, forged));
    const { out } = await inLaptop(
      `${PRELUDE}
const c = t.createConnector({ hostKeyPolicy: process.env.POLICY, sshConfigPath: process.env.PROVISION_SSH_CONFIG + '.forged' });
const r = await c.connect(host, inv).then(() => ({ ok: true }), errOf);
await c.closeAll();
console.log(JSON.stringify(r));
`,
      { POLICY: policy },
    );
    expect(out).toMatchObject({ name: 'HostKeyError', problem: 'changed', file: forged, line: 1 });
    expect((out as { message: string }).message).toContain(`ssh-keygen -R 192.168.2.225 -f ${forged}`);
  });
});
