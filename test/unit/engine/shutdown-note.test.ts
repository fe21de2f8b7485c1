// shutdownNote: after a failed step, the host's own systemd says whether it is going down; a host that drops
// right then is reported as lost; anything else adds nothing.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/command.js';
import type { ExecOptions, ExecResult, Session } from '../../../src/core/session.js';
import { LOST_AFTER, SHUTTING_DOWN, SILENT_AFTER, shutdownNote } from '../../../src/engine/shutdown-note.js';

function session(answer: () => Promise<ExecResult>) {
  const asked: Array<{ cmd: Command; opts?: ExecOptions }> = [];
  const s: Session = { host: 'h1', exec: (cmd, opts) => (asked.push({ cmd, opts }), answer()), close: async () => {} };
  return { s, asked };
}
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('shutdownNote', () => {
  it('asks systemd as root, with a time limit, and reports "stopping" as a shutdown or reboot', async () => {
    const { s, asked } = session(async () => ({ code: 1, stdout: 'stopping\n', stderr: '' }));
    expect(await shutdownNote(s, 1234)).toEqual({ note: SHUTTING_DOWN });
    expect(asked).toEqual([{ cmd: { argv: ['systemctl', 'is-system-running'], sudo: true }, opts: { timeoutMs: 1234 } }]);
  });

  it.each(['running', 'degraded', 'starting', 'offline', ''])('says nothing when systemd says %j', async (state) => {
    expect(await shutdownNote(session(async () => ({ code: state === 'running' ? 0 : 1, stdout: `${state}\n`, stderr: '' })).s)).toEqual({});
  });

  it('says nothing on a host without systemctl', async () => {
    expect(await shutdownNote(session(async () => ({ code: 127, stdout: '', stderr: 'sh: systemctl: not found\n' })).s)).toEqual({});
  });

  it('a connection lost while asking: the host went away right after the failure', async () => {
    expect(await shutdownNote(session(() => Promise.reject(named('ConnectError', 'connection lost'))).s)).toEqual({ note: LOST_AFTER, unreachable: true });
  });

  it('a question left unanswered: the host fell silent right after the failure', async () => {
    expect(await shutdownNote(session(() => Promise.reject(named('ExecTimeoutError', 'timed out'))).s, 5000)).toEqual({ note: SILENT_AFTER(5000) });
    expect(SILENT_AFTER(5000)).toBe('(then the host did not answer within 5 s: is it shutting down or rebooting?)');
  });

  it('a session that never opened, or another error, adds nothing', async () => {
    expect(await shutdownNote(session(() => Promise.reject(new Error('something else'))).s)).toEqual({});
    expect(await shutdownNote(Promise.reject(named('SudoError', 'a password is required')))).toEqual({});
  });
});
