// Lab proof of `--ask-become-pass` (issue 4): sudo with a password read by the CLI itself, and never shown anywhere.
import { spawn } from 'node:child_process';
import { execa } from 'execa';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workDir } from './lab-support.js';
import { tempDir } from '../support/temp-dir.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const LAB = 'abp';
const inventory = join(root, 'inventory/flat-bgp.yaml');
const canary = `Ask-canary-${process.pid}-pw`;
const canLab = process.platform === 'linux' && process.getuid?.() === 0;
if (process.env.PROVISION_LAB_REQUIRED === '1' && !canLab) {
  describe('ask-become-pass lab', () => it('needs root on Linux (PROVISION_LAB_REQUIRED=1)', async () => expect.fail('not root on Linux')));
}

const provision = async (args: string[], env: NodeJS.ProcessEnv = process.env) => String((await execa(process.execPath, [cli, ...args], { cwd: workDir(), env, stripFinalNewline: false })).stdout);
const withoutPassword = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PROVISION_BECOME_PASSWORD'));

/** `provision lab run -- run PLAYBOOK ...` with `stdin` piped in (no TTY: --ask-become-pass reads one line). */
function runWithStdin(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, 'lab', 'run', '--name', LAB, '--', ...args], { cwd: work, env: withoutPassword() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let work = '';
const playbook = () => join(work, 'as-root.yaml');

describe.skipIf(!canLab)('--ask-become-pass against a lab whose sudo needs a password', () => {
  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error('build first: npm run build');
    work = tempDir('provision-abp-');
    writeFileSync(playbook(), 'name: as root\nplays:\n  - name: root-only file\n    hosts: all\n    tasks:\n      - file: { path: /root/ask-become-pass-proof, content: "written as root\\n", mode: "0600" }\n');
    await provision(['lab', 'down', '--name', LAB]);
    await provision(['lab', 'up', '-i', inventory, '--name', LAB, '--sudo-password'], { ...process.env, PROVISION_BECOME_PASSWORD: canary });
  });
  afterAll(async () => {
    await provision(['lab', 'down', '--name', LAB]);
  });

  it('without a password the run fails with the password-required error and changes nothing', async () => {
    const r = await runWithStdin(['run', playbook(), '-i', inventory, '--json'], '');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).hosts['k8s-vm-01'].error).toMatch(/sudo needs a password and none was given .*hint: use --ask-become-pass, or set PROVISION_BECOME_PASSWORD/);
    expect((await provision(['lab', 'exec', '--name', LAB, 'k8s-vm-01', '--', 'sh', '-c', 'test -e /root/ask-become-pass-proof && echo yes || echo no'])).trim()).toBe('no');
  });

  it('reads the password once from the terminal (stdin here), becomes root, and shows it nowhere', async () => {
    const r = await runWithStdin(['run', playbook(), '-i', inventory, '--json', '--ask-become-pass'], `${canary}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: 1, failed: 0 });
    const inHost = await provision(['lab', 'exec', '--name', LAB, 'k8s-vm-01', '--', 'sh', '-c', 'stat -c "%U %a" /root/ask-become-pass-proof; cat /root/ask-become-pass-proof']);
    expect(inHost).toBe('root 600\nwritten as root\n');
    expect(r.stdout + r.stderr).not.toContain(canary);
    // Nor in the host's logs, nor in the lab's console logs and records on the machine.
    expect((await provision(['lab', 'exec', '--name', LAB, 'k8s-vm-01', '--', 'sh', '-c', `grep -rl -- '${canary}' /var/log /run /tmp 2>/dev/null; true`])).trim()).toBe('');
    const labDir = `/var/lib/provision-lab/${LAB}/hosts/k8s-vm-01`;
    for (const f of readdirSync(labDir).filter((n) => n.endsWith('.log'))) expect(readFileSync(join(labDir, f), 'utf8')).not.toContain(canary);
  });
});
