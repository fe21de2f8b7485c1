// Host key algorithms in OpenSSH's order, those known_hosts holds a key for first; the port-less and alias lookups.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPENSSH_HOST_KEY_ALGORITHMS, orderHostKeyAlgorithms } from '../../../src/transport/host-key-algorithms.js';
import { KnownHostsStore } from '../../../src/transport/known-hosts-store.js';
import { hostKeyNames } from '../../../src/transport/ssh.js';
import { tempDir } from '../../support/temp-dir.js';

describe('orderHostKeyAlgorithms', () => {
  it('nothing known: OpenSSH 9 default order, ed25519 first', () => {
    expect(orderHostKeyAlgorithms(undefined, [])).toEqual(OPENSSH_HOST_KEY_ALGORITHMS);
    expect(OPENSSH_HOST_KEY_ALGORITHMS[0]).toBe('ssh-ed25519');
  });

  it('only an ecdsa key is known: ecdsa comes first, the rest keep their order', () => {
    expect(orderHostKeyAlgorithms(undefined, ['ecdsa-sha2-nistp256'])).toEqual([
      'ecdsa-sha2-nistp256',
      'ssh-ed25519',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
    ]);
  });

  it('an rsa key (ssh-rsa in known_hosts) brings both rsa-sha2 signatures forward; several known types keep OpenSSH order', () => {
    expect(orderHostKeyAlgorithms(undefined, ['ssh-rsa']).slice(0, 2)).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);
    expect(orderHostKeyAlgorithms(undefined, ['ssh-rsa', 'ecdsa-sha2-nistp384']).slice(0, 3)).toEqual(['ecdsa-sha2-nistp384', 'rsa-sha2-512', 'rsa-sha2-256']);
  });

  it("follows the user's HostKeyAlgorithms (ssh -G's list), dropping what ssh2 cannot check (certificates, security keys)", () => {
    const configured = ['ssh-ed25519-cert-v01@openssh.com', 'rsa-sha2-256', 'ssh-ed25519', 'sk-ssh-ed25519@openssh.com', 'ssh-rsa'];
    expect(orderHostKeyAlgorithms(configured, [])).toEqual(['rsa-sha2-256', 'ssh-ed25519', 'ssh-rsa']);
    expect(orderHostKeyAlgorithms(configured, ['ssh-ed25519'])).toEqual(['ssh-ed25519', 'rsa-sha2-256', 'ssh-rsa']);
  });
});

describe('known_hosts names (OpenSSH check_host_key)', () => {
  it('HostKeyAlias is looked up as it is, with no port; else [host]:port plus the port-less name', () => {
    expect(hostKeyNames({ hostname: '10.4.0.11', port: 22 })).toEqual({ name: '10.4.0.11' });
    expect(hostKeyNames({ hostname: '10.4.0.11', port: 2222 })).toEqual({ name: '[10.4.0.11]:2222', portlessName: '10.4.0.11' });
    expect(hostKeyNames({ hostname: '10.4.0.11', port: 2222, hostKeyAlias: 'cp01' })).toEqual({ name: 'cp01' });
  });

  const dir = tempDir('provision-kh-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const KEY = Buffer.from('the-ed25519-key').toString('base64');
  const OTHER = Buffer.from('another-key').toString('base64');
  const req = (file: string, o: object) => ({ host: 'h', keyType: 'ssh-ed25519', key: KEY, policy: 'strict' as const, userFiles: [file], globalFiles: [], hashNew: false, name: '[10.4.0.11]:2222', ...o });

  it('a port-less entry accepts the same key on port 2222 under strict, read-only (nothing is written)', async () => {
    const file = join(dir, 'kh1');
    writeFileSync(file, `10.4.0.11 ssh-ed25519 ${KEY}\n`);
    await new KnownHostsStore().verify(req(file, { portlessName: '10.4.0.11' }));
    expect(readFileSync(file, 'utf8')).toBe(`10.4.0.11 ssh-ed25519 ${KEY}\n`);
    // without the port-less lookup the same key is unknown under strict
    await expect(new KnownHostsStore().verify(req(file, {}))).rejects.toThrow(/not in/);
  });

  it('a different key under the port-less name is not a change: the [host]:port name is new (accept-new pins it with the port)', async () => {
    const file = join(dir, 'kh2');
    writeFileSync(file, `10.4.0.11 ssh-ed25519 ${OTHER}\n`);
    await expect(new KnownHostsStore().verify(req(file, { portlessName: '10.4.0.11' }))).rejects.toThrow(/not in/);
    await new KnownHostsStore().verify(req(file, { portlessName: '10.4.0.11', policy: 'accept-new' }));
    expect(readFileSync(file, 'utf8')).toContain(`[10.4.0.11]:2222 ssh-ed25519 ${KEY}`);
  });

  it('preferred key types: the [host]:port entries, else the port-less ones', async () => {
    const file = join(dir, 'kh3');
    writeFileSync(file, `10.4.0.11 ecdsa-sha2-nistp256 ${OTHER}\n[10.4.0.12]:2222 ssh-rsa ${OTHER}\n10.4.0.12 ecdsa-sha2-nistp256 ${OTHER}\n`);
    const store = new KnownHostsStore();
    expect(await store.preferredKeyTypes('[10.4.0.11]:2222', [file], '10.4.0.11')).toEqual(['ecdsa-sha2-nistp256']);
    expect(await store.preferredKeyTypes('[10.4.0.12]:2222', [file], '10.4.0.12')).toEqual(['ssh-rsa']);
  });
});
