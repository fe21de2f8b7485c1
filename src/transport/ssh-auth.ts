// Which credentials to offer, in OpenSSH's order: the agent's keys, then identity files (passphrase asked once).
import { readFile } from 'node:fs/promises';
import { parseKey } from './ssh2-lib.js';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import type { Secret } from './command.js';

export interface AuthPlanInput {
  user: string;
  agent?: string;
  identitiesOnly: boolean;
  identityFiles: string[];
  /** Asked at most once per encrypted file per run; undefined when nobody can answer (no TTY). */
  passphraseFor?: (file: string) => Promise<Secret | undefined>;
}

/** What was offered, to explain an AuthError. */
export interface AuthTrail {
  tried: string[];
  skipped: string[];
}

/** An ssh2 authHandler that walks agent → identity files lazily, recording what it tried and skipped. */
export function createAuthHandler(input: AuthPlanInput, trail: AuthTrail): AuthHandlerMiddleware {
  const queue: (() => Promise<AnyAuthMethod | undefined>)[] = [];
  if (input.agent && !input.identitiesOnly) {
    queue.push(async () => {
      trail.tried.push(`agent (${input.agent})`);
      return { type: 'agent', username: input.user, agent: input.agent! };
    });
  }
  for (const file of input.identityFiles) {
    queue.push(async () => {
      const key = await loadIdentity(file, input.passphraseFor, trail);
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

async function loadIdentity(
  file: string,
  passphraseFor: AuthPlanInput['passphraseFor'],
  trail: AuthTrail,
): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return undefined; // a missing default identity is normal
  }
  let parsed = firstKey(parseKey(data));
  if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
    const pass = passphraseFor ? await passphraseFor(file) : undefined;
    if (!pass) {
      trail.skipped.push(`${file} is encrypted and no terminal is available to ask its passphrase (load it with ssh-add)`);
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
  return parsed;
}

function firstKey(k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(k) ? (k[0] ?? new Error('no key in file')) : k;
}
