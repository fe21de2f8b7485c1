// signingWithKeyObject: the same key, signing from a KeyObject made once, gives signatures the key's own verify
// accepts (the same bytes where the scheme is deterministic); keys made by the real ssh-keygen.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingWithKeyObject } from '../../../src/transport/signing-key.js';
import { parseKey } from '../../../src/transport/ssh2-lib.js';
import type { ParsedKey } from 'ssh2';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('provision-signing-key-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KINDS = [['ed25519', 0], ['rsa', 2048], ['ecdsa', 256], ['ecdsa', 384], ['ecdsa', 521]] as const;
const keys = new Map<string, ParsedKey>();
const keyOf = (type: string, bits: number) => keys.get(`${type}-${bits}`)!;

beforeAll(async () => {
  await Promise.all(KINDS.map(async ([type, bits]) => {
    const file = join(dir, `${type}-${bits}`);
    await promisify(execFile)('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', '', '-f', file]);
    const k = parseKey(readFileSync(file));
    if (k instanceof Error || Array.isArray(k)) throw new Error(`${type}: not one key`);
    keys.set(`${type}-${bits}`, k);
  }));
});

const DATA = Buffer.from('session id and userauth request');

describe('signingWithKeyObject', () => {
  it.each([
    ['ed25519', 0, true],
    ['rsa', 2048, true],
    ['ecdsa', 256, false],
    ['ecdsa', 384, false],
    ['ecdsa', 521, false],
  ] as const)('%s %s: signs as ssh2 does, with its default hash and a named one', (type, bits, deterministic) => {
    const key = keyOf(type, bits);
    const fast = signingWithKeyObject(key);
    expect(fast).not.toBe(key);
    expect(fast.sign).not.toBe(key.sign);
    expect(fast.type).toBe(key.type);
    expect(fast.getPublicSSH().equals(key.getPublicSSH())).toBe(true);
    expect(fast.isPrivateKey()).toBe(true);
    const algos = type === 'rsa' ? [undefined, 'sha256', 'sha512'] : [undefined];
    for (const algo of algos) {
      const sig = fast.sign(DATA, algo);
      expect(sig).toBeInstanceOf(Buffer);
      expect(key.verify(DATA, sig, algo)).toBe(true);
      expect(key.verify(Buffer.from('other data'), sig, algo)).toBe(false);
      if (deterministic) expect(sig.equals(key.sign(DATA, algo))).toBe(true);
    }
  });

  it('returns an error as ssh2 does (it does not throw), and leaves a public key as it is', () => {
    const key = keyOf('rsa', 2048);
    const err = signingWithKeyObject(key).sign(DATA, 'no-such-hash') as unknown;
    expect(err).toBeInstanceOf(Error);
    const pub = parseKey(key.getPublicSSH()) as ParsedKey;
    expect(signingWithKeyObject(pub)).toBe(pub);
  });
});
