// The agent as OpenSSH uses it: list its keys first (a dead agent is a note, not a failure), IdentitiesOnly keeps the configured ones.
import { readFileSync } from 'node:fs';
import type { ParsedKey } from 'ssh2';
import { agentLib, parseKey } from './ssh2-lib.js';

/** The agent's public keys; rejects when the socket is missing or nobody answers. */
export function listAgentKeys(socket: string, timeoutMs = 5000): Promise<ParsedKey[]> {
  const agent = new agentLib.OpenSSHAgent(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the agent did not answer')), timeoutMs);
    agent.getIdentities((err, keys) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve((keys ?? []).filter((k) => !(k instanceof Error)));
    });
  });
}

/** An agent for ssh2 that offers only `keys` and signs through the real agent. */
export function agentOffering(socket: string, keys: ParsedKey[]): InstanceType<typeof agentLib.BaseAgent> {
  const real = new agentLib.OpenSSHAgent(socket);
  const Agent = class extends agentLib.BaseAgent {
    override getIdentities(cb: (err: Error | null, keys?: ParsedKey[]) => void) {
      cb(null, keys);
    }
    override sign(pubKey: unknown, data: Buffer, options: unknown, cb: (err: Error | null, sig?: Buffer) => void) {
      real.sign(pubKey, data, options, cb);
    }
  };
  return new Agent();
}

/**
 * A small local file, read synchronously: an awaited read waits for a libuv thread, and during the handshakes of
 * every host at once that wait (for a core as busy as the rest) is longer than the read.
 */
export function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The public key of an IdentityFile: `FILE.pub`, else FILE itself when it is a public key (the 1Password style). */
export async function publicKeyOfIdentity(file: string): Promise<Buffer | undefined> {
  for (const f of [`${file}.pub`, file]) {
    const data = readOrUndefined(f);
    if (!data) continue;
    const k = parseKey(data);
    const key = Array.isArray(k) ? k[0] : k;
    if (key && !(key instanceof Error)) return key.getPublicSSH(); // a public key, or an unencrypted private key's public half
  }
  return undefined;
}

/**
 * Which agent keys to offer. Without IdentitiesOnly: all of them, those matching an IdentityFile first (in file order).
 * With it: only those matching an IdentityFile, in file order.
 */
export function selectAgentKeys(agentKeys: ParsedKey[], identityPubs: (Buffer | undefined)[], identitiesOnly: boolean): ParsedKey[] {
  const wanted = identityPubs.filter((p): p is Buffer => p !== undefined);
  const matching = wanted.flatMap((pub) => agentKeys.filter((k) => k.getPublicSSH().equals(pub))).filter((k, i, a) => a.indexOf(k) === i);
  return identitiesOnly ? matching : [...matching, ...agentKeys.filter((k) => !matching.includes(k))];
}
