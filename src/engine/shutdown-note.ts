// After a step fails on a host whose connection still answers, one question to the host's systemd: is it
// shutting down? A reboot's stop jobs break running commands in many ways (the network torn down under apt,
// units refused) before sshd goes, and the user should read "rebooting", not only apt's "Network is unreachable".
import { isUnreachable } from '../core/connector.js';
import type { Session } from '../core/session.js';

export const SHUTTING_DOWN = '(the host is shutting down or rebooting: its systemd says "stopping")';
export const LOST_AFTER = '(then the connection was lost: is the host shutting down or rebooting?)';
export const SILENT_AFTER = (ms: number) => `(then the host did not answer within ${ms / 1000} s: is it shutting down or rebooting?)`;

/** What the host says of itself right after a failed step: a line to add to the error, and whether it went away. */
export async function shutdownNote(session: Session | Promise<Session>, timeoutMs = 5000): Promise<{ note?: string; unreachable?: boolean }> {
  try {
    // As root: systemctl then asks PID 1 on its private socket, which answers while D-Bus is being stopped.
    const r = await (await session).exec({ argv: ['systemctl', 'is-system-running'], sudo: true }, { timeoutMs });
    return r.stdout.trim() === 'stopping' ? { note: SHUTTING_DOWN } : {};
  } catch (e) {
    if (isUnreachable(e)) return { note: LOST_AFTER, unreachable: true };
    // A trivial question unanswered: the network may be gone without a word (no RST from a host going down).
    return (e as Error).name === 'ExecTimeoutError' ? { note: SILENT_AFTER(timeoutMs) } : {};
  }
}
