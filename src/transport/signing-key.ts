// A parsed private key that signs with a KeyObject made once: ssh2 signs with the key's PEM text, which OpenSSL
// parses again for every signature (~0.4 ms an Ed25519 login against ~0.04 ms from a KeyObject, on each host).
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { ParsedKey } from 'ssh2';

/** The hash each key type signs with when ssh2 names none (ssh2's keyParser sets the same per type). */
const DEFAULT_HASH: Record<string, string | null> = {
  'ssh-ed25519': null,
  'ssh-rsa': 'sha1',
  'ssh-dss': 'sha1',
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/**
 * The same key (every other method and property its own, through the prototype) with `sign` on a KeyObject; the key
 * itself when its type is not one above or its PEM does not parse: then ssh2's own signing stays.
 */
export function signingWithKeyObject(key: ParsedKey): ParsedKey {
  const hash = DEFAULT_HASH[key.type];
  if (hash === undefined || !key.isPrivateKey()) return key;
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key;
  }
  const fast = Object.create(key) as ParsedKey;
  // ssh2's own sign returns its error rather than throwing (its client checks), whatever its types say.
  fast.sign = ((data: Buffer | string, algo?: string): Buffer | Error => {
    try {
      return sign(typeof algo === 'string' && algo ? algo : hash, typeof data === 'string' ? Buffer.from(data) : data, keyObject);
    } catch (e) {
      return e as Error;
    }
  }) as ParsedKey['sign'];
  return fast;
}
