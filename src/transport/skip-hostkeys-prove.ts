// Declines OpenSSH's "hostkeys-00" offer: ssh2 would otherwise ask every server to sign with each of its host keys.
import type { Client } from 'ssh2';

/** The one request this wraps: the server's list of all its host keys, sent after every login. */
export const HOSTKEYS_REQUEST = 'hostkeys-00@openssh.com';

type GlobalRequestHandler = (proto: { requestSuccess(): void }, name: string, wantReply: boolean, data: unknown) => void;
interface Internals {
  _protocol?: { _handlers?: { GLOBAL_REQUEST?: GlobalRequestHandler } };
}

/**
 * Call right after `client.connect()`. ssh2 answers the server's hostkeys-00 announcement with a
 * hostkeys-prove request, so sshd signs with EVERY host key (RSA included) and ssh2 verifies each signature,
 * on every connection, only to emit a 'hostkeys' event provision never uses (it never learns keys that way:
 * known_hosts is the only trust). That is the most expensive part of a converged run's login on both sides.
 * OpenSSH's own client sends no proof request when it already knows the keys. Returns false (and changes
 * nothing) if ssh2's internals are not where this expects them; a unit test pins them.
 */
export function skipHostKeysProve(client: Client): boolean {
  const handlers = (client as unknown as Internals)._protocol?._handlers;
  const original = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof original !== 'function') return false;
  handlers.GLOBAL_REQUEST = (proto, name, wantReply, data) => {
    if (name !== HOSTKEYS_REQUEST) return original(proto, name, wantReply, data);
    if (wantReply) proto.requestSuccess();
  };
  return true;
}
