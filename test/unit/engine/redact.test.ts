import { describe, expect, it } from 'vitest';
import { redactSecretOutput } from '../../../src/engine/redact.js';

const cases: Array<{ name: string; input: string; hidden: string[]; kept: string[] }> = [
  {
    name: 'kubeadm preflight error stays readable',
    input: '[ERROR Swap]: running with swap on is not supported. Please disable swap',
    hidden: [],
    kept: ['[ERROR Swap]: running with swap on is not supported'],
  },
  {
    name: 'a bootstrap token in a join command',
    input: 'kubeadm join k8s-api:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:x',
    hidden: ['abcdef.0123456789abcdef'],
    kept: ['kubeadm join k8s-api:6443', '--token <secret>'],
  },
  {
    name: 'a certificate key on its own line and after a flag',
    input: `Using certificate key:\n${'a1'.repeat(32)}\n--certificate-key ${'b2'.repeat(32)}`,
    hidden: ['a1'.repeat(32), 'b2'.repeat(32)],
    kept: ['Using certificate key:', '--certificate-key <secret>'],
  },
  {
    name: 'yaml-ish token and password fields',
    input: 'token: s3cr3t-value\npassword=hunter2\ncertificateKey: zzz',
    hidden: ['s3cr3t-value', 'hunter2', 'zzz'],
    kept: ['token: <secret>', 'password=<secret>'],
  },
];

describe('redactSecretOutput', () => {
  for (const c of cases) {
    it(c.name, () => {
      const out = redactSecretOutput(c.input);
      for (const h of c.hidden) expect(out).not.toContain(h);
      for (const k of c.kept) expect(out).toContain(k);
    });
  }
});
