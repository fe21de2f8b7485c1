// What the day-two lab files share: the CLI run from a work dir (never the checkout), `lab run` and `lab exec` on one lab.
import { execa } from 'execa';
import { CLI, canRunLab } from './lab-support.js';

export interface Out { code: number; stdout: string; stderr: string; all: string }

export function dayTwoLab(lab: string, work: string) {
  async function provision(args: string[]): Promise<Out> {
    if (!canRunLab) throw new Error('lab tests need root on Linux (PROVISION_LAB_REQUIRED=1 is set)');
    const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd: work, maxBuffer: 64 << 20 });
    return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr), all: `${String(r.stdout)}\n${String(r.stderr)}` };
  }
  const labRun = (args: string[]) => provision(['lab', 'run', '--name', lab, '--', ...args]);
  async function inHost(host: string, script: string): Promise<string> {
    const r = await provision(['lab', 'exec', host, '--name', lab, '--', 'sh', '-c', script]);
    if (r.code !== 0) throw new Error(`lab exec ${host}: ${r.all}`);
    return r.stdout;
  }
  return { provision, labRun, inHost };
}
