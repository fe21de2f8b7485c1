// Retry transient connect failures with jittered exponential backoff; never auth or host-key failures.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectError } from './errors.js';

export interface RetryOptions {
  /** Extra attempts after the first. */
  retries: number;
  /** A different budget for some errors (e.g. handshakes sshd dropped under MaxStartups: retried until the deadline). */
  retriesFor?: (err: unknown) => number | undefined;
  /** First backoff ceiling in ms; doubles each attempt ("full jitter": a random wait up to the ceiling). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  signal?: AbortSignal;
  /** No attempt starts after this moment (epoch ms; read after each failure): bounds the whole connect. */
  deadline?: () => number | undefined;
}

/** Only ConnectErrors marked transient are retried: AuthError/HostKeyError/SudoError never are. */
export function isRetryable(err: unknown): boolean {
  return err instanceof ConnectError && err.transient;
}

export async function withRetries<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const base = opts.baseDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 3000;
  const random = opts.random ?? Math.random;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= (opts.retriesFor?.(err) ?? opts.retries) || !isRetryable(err) || opts.signal?.aborted) throw err;
      const ceiling = Math.min(max, base * 2 ** n);
      const wait = Math.round(ceiling / 2 + (random() * ceiling) / 2);
      const deadline = opts.deadline?.();
      if (deadline !== undefined && Date.now() + wait >= deadline) throw err;
      await sleep(wait, undefined, { signal: opts.signal });
    }
  }
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = [/Connection lost before handshake/i, /Timed out while waiting for handshake/i, /Keepalive timeout/i, /socket hang up/i, /read ECONNRESET/i];

/**
 * sshd accepted the TCP connection and closed it before its banner: what OpenSSH does to connections beyond
 * MaxStartups (a busy bastion, other clients mid-login). A slot frees as soon as any login completes, so these
 * are worth retrying for as long as the connect timeout allows, not just a few times.
 */
export function isHandshakeDrop(err: unknown): boolean {
  const cause = err instanceof ConnectError ? (err.cause as { message?: string } | undefined) : (err as { message?: string } | undefined);
  return err instanceof ConnectError && err.transient && /Connection lost before handshake/i.test(cause?.message ?? err.message);
}

/** Classify a low-level connect error (ssh2 or socket) as worth another attempt. */
export function isTransientCause(err: unknown): boolean {
  const e = err as { code?: string; message?: string; level?: string };
  if (e?.level === 'client-authentication') return false;
  if (e?.code && TRANSIENT_CODES.has(e.code)) return true;
  return TRANSIENT_MESSAGES.some((re) => re.test(e?.message ?? ''));
}
