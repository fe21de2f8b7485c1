// mustExec's failures: the command and its output are named; systemctl's refusal next to a shutdown's stop jobs
// (a reboot under way) says what it most likely means.
import { describe, expect, it } from 'vitest';
import type { ExecResult, Session } from '../../../src/core/session.js';
import { mustExec, StepError } from '../../../src/engine/step-context.js';

const answering = (r: ExecResult): Session => ({ host: 'h1', exec: async () => r, close: async () => {} });
const restart = { argv: ['systemctl', 'restart', 'containerd'], sudo: true };

describe('mustExec', () => {
  it('a failure names the command, the exit status and the output', async () => {
    const err = await mustExec(answering({ code: 5, stdout: '', stderr: 'Unit containerd.service not found.\n' }), restart, 'restart').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as Error).message).toBe('restart failed (exit 5): sudo systemctl restart containerd\nUnit containerd.service not found.');
    expect((err as StepError).hostGoingDown).toBe(false);
  });

  it("systemd refusing a job because of queued stop jobs: the host is likely shutting down or rebooting", async () => {
    const stderr = "Failed to restart containerd.service: Transaction for containerd.service/restart is destructive (systemd-sysusers.service has 'stop' job queued, but 'start' is included in transaction).\nSee system logs and 'systemctl status containerd.service' for details.\n";
    const err = (await mustExec(answering({ code: 4, stdout: '', stderr }), restart, 'restart').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^restart failed \(exit 4\): sudo systemctl restart containerd\nFailed to restart containerd\.service: Transaction/);
    expect(err.message.split('\n').at(-1)).toBe('(systemd is stopping units: is the host shutting down or rebooting?)');
    expect((err as StepError).hostGoingDown).toBe(true);
  });

  it('a success is returned as it is', async () => {
    const ok = { code: 0, stdout: 'active\n', stderr: '' };
    expect(await mustExec(answering(ok), restart, 'restart')).toBe(ok);
  });
});
