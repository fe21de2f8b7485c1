// Parsing what kubeadm prints for joins: the join command and the certificate key, never echoing secrets.
import { describe, expect, it } from 'vitest';
import { certificateKeyProvider, parseCertificateKey, parseJoinCommand, tokenProvider } from '../../../../../src/modules/cluster/kubernetes/providers.js';
import { Secret } from '../../../../../src/core/secret.js';
import { goldentooth } from '../../../cluster/fixtures.js';

const HASH = 'sha256:' + 'ab'.repeat(32);
const KEY = 'cd'.repeat(32);

describe('parseJoinCommand', () => {
  it.each([
    { name: 'one line', out: `kubeadm join 10.4.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH} \n` },
    { name: 'continued lines', out: `kubeadm join 10.4.0.10:6443 --token abcdef.0123456789abcdef \\\n\t--discovery-token-ca-cert-hash ${HASH}\n`.replace(' \\\n\t', ' ') },
    { name: 'after warnings', out: `W0101 warning: something\nkubeadm join 10.4.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH}\n` },
  ])('$name', ({ out }) => expect(parseJoinCommand(out)).toEqual({ endpoint: '10.4.0.10:6443', token: 'abcdef.0123456789abcdef', caCertHash: HASH }));

  it.each([
    { name: 'empty', out: '' },
    { name: 'no hash', out: 'kubeadm join 10.4.0.10:6443 --token abcdef.0123456789abcdef' },
    { name: 'bad token', out: `kubeadm join 10.4.0.10:6443 --token ABC --discovery-token-ca-cert-hash ${HASH}` },
  ])('rejects $name without echoing the output', ({ out }) => {
    expect(() => parseJoinCommand(out)).toThrow(/no usable join command/);
    try {
      parseJoinCommand(out);
    } catch (e) {
      expect((e as Error).message).not.toContain('ABC');
    }
  });
});

describe('parseCertificateKey', () => {
  it.each([`[upload-certs] Using certificate key:\n${KEY}\n`, `${KEY}`, `noise\n\n${KEY}\n\n`])('last line %#', (out) => expect(parseCertificateKey(out)).toBe(KEY));
  it.each(['', 'short\n', `${KEY}\ntrailing noise\n`])('rejects %#', (out) => expect(() => parseCertificateKey(out)).toThrow(/no certificate key/));
});

describe('providers', () => {
  it('outputs are Secrets, candidates are the control planes in order, commands carry no secret', () => {
    const t = tokenProvider.parse(`kubeadm join 10.4.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH}`);
    const c = certificateKeyProvider.parse(KEY);
    for (const v of [...Object.values(t), ...Object.values(c)]) {
      expect(v).toBeInstanceOf(Secret);
      expect(JSON.stringify(v)).toBe('"<secret>"');
    }
    expect(Object.keys(t).sort()).toEqual(['caCertHash', 'endpoint', 'token']);
    expect(tokenProvider.candidates(goldentooth())).toEqual(['bettley', 'cargyll', 'dalt']);
    expect(tokenProvider.command.argv).toEqual(['kubeadm', 'token', 'create', '--print-join-command', '--ttl', '30m']);
    expect(certificateKeyProvider.command.argv).toEqual(['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs']);
  });
});
