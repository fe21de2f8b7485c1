// The hostkeys-00 offer is declined (no proof request, no signatures), every other global request still reaches ssh2.
import { PassThrough, Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { describe, expect, it, vi } from 'vitest';
import { HOSTKEYS_REQUEST, skipHostKeysProve } from '../../../src/transport/skip-hostkeys-prove.js';
import { parsedPublic } from '../../support/ssh-keys.js';

/** A real ssh2 Client after connect() on a socket nobody answers: its protocol object exists, nothing is sent. */
function connectedClient(extra: Record<string, unknown> = {}) {
  const client = new ssh2.Client();
  const toServer = new PassThrough();
  const sock = Duplex.from({ readable: new PassThrough(), writable: toServer });
  client.on('error', () => undefined);
  client.connect({ sock: sock as never, username: 'u', readyTimeout: 60_000, ...extra });
  const proto = (client as unknown as { _protocol: Record<string, unknown> & { _handlers: Record<string, (...a: unknown[]) => void> } })._protocol;
  return { client, proto };
}

describe('skipHostKeysProve', () => {
  it("finds ssh2's global-request handler where it expects it (fails on an ssh2 upgrade that moves it)", () => {
    const { client, proto } = connectedClient();
    expect(typeof proto._handlers.GLOBAL_REQUEST).toBe('function');
    expect(skipHostKeysProve(client)).toBe(true);
    client.end();
  });

  const cases = [
    { name: HOSTKEYS_REQUEST, wantReply: false, prove: 0, success: 0, failure: 0 },
    { name: HOSTKEYS_REQUEST, wantReply: true, prove: 0, success: 1, failure: 0 },
    { name: 'keepalive@openssh.com', wantReply: true, prove: 0, success: 0, failure: 1 },
  ];
  it.each(cases)('$name (want reply $wantReply): proofs $prove, success $success, failure $failure', ({ name, wantReply, prove, success, failure }) => {
    const { client, proto } = connectedClient();
    const spies = {
      prove: vi.spyOn(proto as never, 'openssh_hostKeysProve' as never).mockImplementation((() => undefined) as never),
      success: vi.spyOn(proto as never, 'requestSuccess' as never).mockImplementation((() => undefined) as never),
      failure: vi.spyOn(proto as never, 'requestFailure' as never).mockImplementation((() => undefined) as never),
    };
    skipHostKeysProve(client);
    proto._handlers.GLOBAL_REQUEST!(proto, name, wantReply, []);
    expect({ prove: spies.prove.mock.calls.length, success: spies.success.mock.calls.length, failure: spies.failure.mock.calls.length }).toEqual({ prove, success, failure });
    client.end();
  });

  it('without it, ssh2 itself would send the proof request (the cost this removes)', () => {
    // strictVendor off: this stub server sent no version string (a real OpenSSH one passes the same check).
    const { client, proto } = connectedClient({ strictVendor: false });
    const prove = vi.spyOn(proto as never, 'openssh_hostKeysProve' as never).mockImplementation((() => undefined) as never);
    // A parsed ed25519 host key, as ssh2's packet parser hands it over.
    const key = parsedPublic();
    try {
      proto._handlers.GLOBAL_REQUEST!(proto, HOSTKEYS_REQUEST, false, [(key as { getPublicSSH(): Buffer }).getPublicSSH()]);
    } catch {
      /* the socket is a stub: only whether ssh2 tried to prove matters */
    }
    expect(prove.mock.calls.length).toBe(1);
    client.end();
  });
});
