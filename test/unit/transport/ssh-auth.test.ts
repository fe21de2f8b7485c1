// createAuthHandler's identity files: parsed once per process and file (each host's login reuses the key), parsed
// again when the file's bytes change; the key it offers signs from a KeyObject (signing-key.ts). Real ssh-keygen keys.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedKey } from 'ssh2';
import { createAuthHandler, type AuthTrail } from '../../../src/transport/ssh-auth.js';
import { parseKey } from '../../../src/transport/ssh2-lib.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('provision-ssh-auth-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const keygen = (file: string) => promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', file]);

/** The first method a fresh handler (one login) offers for these identity files. */
function firstOffer(identityFiles: string[]): Promise<{ method: unknown; trail: AuthTrail }> {
  const trail: AuthTrail = { tried: [], skipped: [] };
  const handler = createAuthHandler({ user: 'pi', identitiesOnly: false, identityFiles }, trail);
  return new Promise((resolve) => handler([], false, (method) => resolve({ method, trail })));
}
const keyOf = (m: unknown) => (m as { key: ParsedKey }).key;

describe('identity files offered by createAuthHandler', () => {
  it('each login after the first reuses the parsed key; a changed file is parsed again', async () => {
    const file = join(dir, 'id_ed25519');
    await keygen(file);
    const first = keyOf((await firstOffer([join(dir, 'missing'), file])).method);
    const second = await firstOffer([file]);
    expect(keyOf(second.method)).toBe(first);
    expect(second.trail.tried).toEqual([file]);
    const data = Buffer.from('exchange hash');
    expect((parseKey(readFileSync(`${file}.pub`)) as ParsedKey).verify(data, first.sign(data))).toBe(true);

    rmSync(file);
    rmSync(`${file}.pub`);
    await keygen(file);
    const third = keyOf((await firstOffer([file])).method);
    expect(third).not.toBe(first);
    expect(third.getPublicSSH().equals((parseKey(readFileSync(`${file}.pub`)) as ParsedKey).getPublicSSH())).toBe(true);
  });

  it('a file that is not a private key is skipped on every login, not remembered', async () => {
    const file = join(dir, 'only-pub');
    await keygen(file);
    rmSync(file);
    // the public key where the private one should be
    const pubAsId = `${file}.pub`;
    for (let i = 0; i < 2; i++) {
      const { method, trail } = await firstOffer([pubAsId]);
      expect(method).toBe(false);
      expect(trail.skipped).toEqual([`${pubAsId} is a public key and the agent does not hold its private key`]);
    }
  });
});
