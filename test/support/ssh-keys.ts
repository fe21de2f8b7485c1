// ed25519 key pairs for the in-process SSH tests that ssh2 can read back. ssh2's generateKeyPairSync strips leading
// zero bytes off the public key, so about 1 pair in 256 fails parseKey ("Malformed OpenSSH ... key": mscdex/ssh2#1390,
// #1513): a test would fail at random. A pair is generated again until both halves parse.
import ssh2 from 'ssh2';

type Options = Parameters<typeof ssh2.utils.generateKeyPairSync>[1];

export function ed25519Pair(options?: Options): { private: string; public: string } {
  for (let i = 0; i < 64; i++) {
    const pair = options ? ssh2.utils.generateKeyPairSync('ed25519', options) : ssh2.utils.generateKeyPairSync('ed25519');
    const passphrase = (options as { passphrase?: string } | undefined)?.passphrase;
    if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private, passphrase) instanceof Error)) return pair;
  }
  throw new Error('ssh2 generated 64 unreadable ed25519 pairs in a row');
}

/** The public half, parsed. */
export const parsedPublic = (): ssh2.ParsedKey => ssh2.utils.parseKey(ed25519Pair().public) as ssh2.ParsedKey;
