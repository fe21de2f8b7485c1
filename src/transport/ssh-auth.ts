// Which credentials to offer, in OpenSSH's order: the agent's keys, then identity files (passphrase asked once).
import { parseKey } from './ssh2-lib.js';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import { agentOffering, listAgentKeys, publicKeyOfIdentity, readOrUndefined, selectAgentKeys } from './agent-keys.js';
import { signingWithKeyObject } from './signing-key.js';
import type { Secret } from '../core/secret.js';

export interface AuthPlanInput {
  user: string;
  agent?: string;
  /** Offer only the agent's keys that match an identity file (IdentitiesOnly yes). */
  identitiesOnly: boolean;
  identityFiles: string[];
  /** Asked at most once per encrypted file per run; undefined when nobody can answer (no TTY). */
  passphraseFor?: (file: string) => Promise<Secret | undefined>;
}

/** What was offered, to explain an AuthError; notes say what was passed over and why (a dead agent, a skipped file). */
export interface AuthTrail {
  tried: string[];
  skipped: string[];
}

/** An ssh2 authHandler that walks agent → identity files lazily, recording what it tried and skipped. */
export function createAuthHandler(input: AuthPlanInput, trail: AuthTrail): AuthHandlerMiddleware {
  let offered: Buffer[] = [];
  const queue: (() => Promise<AnyAuthMethod | undefined>)[] = [];
  if (input.agent) {
    const socket = input.agent;
    queue.push(async () => {
      let keys: ParsedKey[];
      try {
        keys = await listAgentKeys(socket);
      } catch (err) {
        trail.skipped.push(`agent ${socket} not usable (${(err as Error).message}): went on with the identity files`);
        return undefined;
      }
      const pubs = await Promise.all(input.identityFiles.map(publicKeyOfIdentity));
      const chosen = selectAgentKeys(keys, pubs, input.identitiesOnly);
      if (chosen.length === 0) {
        if (keys.length > 0) trail.skipped.push(`agent ${socket}: none of its ${keys.length} key(s) is an IdentityFile (IdentitiesOnly yes)`);
        return undefined;
      }
      offered = chosen.map((k) => k.getPublicSSH());
      trail.tried.push(`agent ${socket} (${chosen.length} key${chosen.length > 1 ? 's' : ''})`);
      return { type: 'agent', username: input.user, agent: agentOffering(socket, chosen) } as unknown as AnyAuthMethod;
    });
  }
  for (const file of input.identityFiles) {
    queue.push(async () => {
      const key = await loadIdentity(file, input.passphraseFor, trail, offered);
      if (!key) return undefined;
      trail.tried.push(file);
      return { type: 'publickey', username: input.user, key };
    });
  }
  return (_left, _partial, next) => {
    const step = async (): Promise<void> => {
      const attempt = queue.shift();
      if (!attempt) return next(false as unknown as AnyAuthMethod);
      const method = await attempt().catch(() => undefined);
      if (method) return next(method);
      return step();
    };
    void step();
  };
}

/**
 * Identity files this process parsed (and decrypted), by path, with the bytes they were parsed from: a run logs in on
 * every host with the same file, and parsing it each time cost ~1 ms a host. Read again each time: an edit counts.
 */
const parsedIdentities = new Map<string, { data: Buffer; key: ParsedKey }>();

async function loadIdentity(file: string, passphraseFor: AuthPlanInput['passphraseFor'], trail: AuthTrail, inAgent: Buffer[]): Promise<ParsedKey | undefined> {
  const data = readOrUndefined(file);
  if (!data) return undefined; // a missing default identity is normal
  const pub = inAgent.length > 0 ? await publicKeyOfIdentity(file) : undefined;
  if (pub && inAgent.some((k) => k.equals(pub))) return undefined; // already offered through the agent, as OpenSSH does
  const known = parsedIdentities.get(file);
  if (known?.data.equals(data)) return known.key;
  const key = await parseIdentity(file, data, passphraseFor, trail);
  if (key) parsedIdentities.set(file, { data, key });
  return key;
}

async function parseIdentity(file: string, data: Buffer, passphraseFor: AuthPlanInput['passphraseFor'], trail: AuthTrail): Promise<ParsedKey | undefined> {
  let parsed = firstKey(parseKey(data));
  if (!(parsed instanceof Error) && !parsed.isPrivateKey()) {
    trail.skipped.push(`${file} is a public key and the agent does not hold its private key`);
    return undefined;
  }
  if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
    const pass = passphraseFor ? await passphraseFor(file) : undefined;
    if (!pass) {
      trail.skipped.push(`${file} is encrypted and no terminal is available to ask its passphrase (load it into the agent with ssh-add)`);
      return undefined;
    }
    parsed = firstKey(parseKey(data, pass.reveal()));
    if (parsed instanceof Error) {
      trail.skipped.push(`${file}: wrong passphrase`);
      return undefined;
    }
  }
  if (parsed instanceof Error) {
    trail.skipped.push(`${file}: not a usable private key (${parsed.message})`);
    return undefined;
  }
  return signingWithKeyObject(parsed);
}

function firstKey(k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(k) ? (k[0] ?? new Error('no key in file')) : k;
}
