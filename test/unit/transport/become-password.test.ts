// Where the become password comes from, and which failures are retried.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBecomePassword } from '../../../src/transport/become-password.js';
import { AuthError, ConnectError, HostKeyError, SudoError } from '../../../src/transport/errors.js';
import { isHandshakeDrop, withRetries } from '../../../src/transport/retry.js';

function pipeWith(text: string | null): NodeJS.ReadStream {
  const s = new PassThrough();
  if (text !== null) s.end(text);
  else s.end();
  return s as unknown as NodeJS.ReadStream;
}

describe('readBecomePassword', () => {
  it.each([
    { name: 'env', ask: false, env: { PROVISION_BECOME_PASSWORD: 'from-env' }, input: null, want: 'from-env' },
    { name: 'nothing', ask: false, env: {}, input: null, want: undefined },
    { name: 'ask reads the first stdin line when it is a pipe', ask: true, env: { PROVISION_BECOME_PASSWORD: 'ignored' }, input: 'piped pw\nrest\n', want: 'piped pw' },
  ])('$name', async (c) => {
    const env: NodeJS.ProcessEnv = { ...c.env };
    const got = await readBecomePassword({ ask: c.ask, env, input: pipeWith(c.input) });
    expect(got?.reveal()).toBe(c.want);
    if (got) expect(`${got} ${JSON.stringify({ got })}`).toBe('<secret> {"got":"<secret>"}');
  });
  it('ask with an empty stdin is an error', async () => {
    await expect(readBecomePassword({ ask: true, env: {}, input: pipeWith(null) })).rejects.toThrow(/no password was entered/);
  });
  it('removes PROVISION_BECOME_PASSWORD from this process so children do not inherit it', async () => {
    process.env.PROVISION_BECOME_PASSWORD = 'x1';
    expect((await readBecomePassword({ ask: false }))?.reveal()).toBe('x1');
    expect(process.env.PROVISION_BECOME_PASSWORD).toBeUndefined();
  });
});

describe('withRetries', () => {
  const host = 'h';
  it.each([
    { name: 'transient ConnectError is retried', err: new ConnectError('refused', { host, transient: true }), attempts: 3 },
    { name: 'permanent ConnectError is not', err: new ConnectError('no route', { host }), attempts: 1 },
    { name: 'AuthError is not', err: new AuthError('denied', { host }), attempts: 1 },
    { name: 'HostKeyError is not', err: new HostKeyError('changed', { host, problem: 'changed' }), attempts: 1 },
    { name: 'SudoError is not', err: new SudoError('wrong', { host, kind: 'wrong-password' }), attempts: 1 },
    { name: 'a handshake dropped under MaxStartups gets its own budget', err: new ConnectError('x', { host, transient: true, cause: new Error('Connection lost before handshake') }), attempts: 6 },
    { name: 'a refused connection keeps the normal budget', err: new ConnectError('x', { host, transient: true, cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), attempts: 3 },
  ])('$name', async (c) => {
    let n = 0;
    await expect(
      withRetries(async () => {
        n++;
        throw c.err;
      }, { retries: 2, baseDelayMs: 1, retriesFor: (e) => (isHandshakeDrop(e) ? 5 : undefined) }),
    ).rejects.toBe(c.err);
    expect(n).toBe(c.attempts);
  });
});
