// The kubeconfig module from data: fetch admin.conf to the laptop only when missing or different; never a diff.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mod from '../../../../src/modules/cluster/kubeconfig.js';
import { rewriteServer } from '../../../../src/modules/cluster/kubernetes/kubeconfig-rewrite.js';
import { planCase, runModuleCases } from '../harness.js';
import { goldentooth, homelab } from '../../cluster/fixtures.js';
import { tempDir } from '../../../support/temp-dir.js';

const dir = tempDir('provision-kubeconfig-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ADMIN = '/etc/kubernetes/admin.conf';
const admin = ['apiVersion: v1', 'clusters:', '- cluster:', '    certificate-authority-data: Q0E=', '    server: https://192.168.1.51:6443', '  name: kubernetes', 'users:', '- name: kubernetes-admin', '  user:', '    client-key-data: S0VZ', ''].join('\n');
const local = rewriteServer(admin, 'https://192.168.1.50:6443');
const file = (name: string, content: string | null, mode = 0o600) => {
  const p = join(dir, name);
  if (content !== null) {
    writeFileSync(p, content);
    chmodSync(p, mode);
  }
  return p;
};

runModuleCases(mod, [
  {
    name: 'missing on the laptop: fetch, 0600, server rewritten, usage printed',
    params: { dest: file('missing.conf', null) },
    inventory: homelab(),
    facts: { files: { [ADMIN]: admin } },
    expect: { action: 'create', summary: /^write .*missing\.conf from k8s-cp-01:\/etc\/kubernetes\/admin\.conf \(server https:\/\/192\.168\.1\.50:6443, mode 0600\); use: export KUBECONFIG=.*missing\.conf$/, steps: [{ kind: 'fetch', path: ADMIN, dest: join(dir, 'missing.conf'), mode: 0o600 }], diff: false },
  },
  { name: 'same content and 0600: noop', params: { dest: file('same.conf', local) }, inventory: homelab(), facts: { files: { [ADMIN]: admin } }, expect: { action: 'noop', summary: /same\.conf up to date \(server https:\/\/192\.168\.1\.50:6443\); use: export KUBECONFIG=/ } },
  { name: 'same content, mode 0644: fix the mode', params: { dest: file('loose.conf', local, 0o644) }, inventory: homelab(), facts: { files: { [ADMIN]: admin } }, expect: { action: 'update', summary: /^fix mode 0600 of /, diff: false } },
  { name: 'different (rotated certs): update, no diff', params: { dest: file('old.conf', 'old') }, inventory: homelab(), facts: { files: { [ADMIN]: admin } }, expect: { action: 'update', summary: /^update /, diff: false } },
  { name: 'not on the init node: noop', params: {}, inventory: goldentooth(), host: 'cargyll', expect: { action: 'noop', summary: 'the kubeconfig is fetched from bettley, not here' } },
]);

describe('rewriteServer and the fetch transform', () => {
  it.each([
    { in: '    server: https://10.4.0.11:6443\n', url: 'https://10.4.0.10:6443', out: '    server: https://10.4.0.10:6443\n' },
    { in: 'a: 1\n  server: https://x:1\nb: server: keep\n', url: 'https://y:2', out: 'a: 1\n  server: https://y:2\nb: server: keep\n' },
  ])('$in', ({ in: input, url, out }) => expect(rewriteServer(input, url)).toBe(out));

  it('the fetch step transform produces the laptop content', () => {
    const { changes } = planCase(mod, { name: 'x', params: { dest: join(dir, 'transform.conf') }, inventory: homelab(), facts: { files: { [ADMIN]: admin } } });
    const step = changes[0]!.steps[0];
    expect(step?.kind).toBe('fetch');
    if (step?.kind === 'fetch') expect(step.transform?.(admin)).toBe(local);
  });

  it('default destination is ./kubeconfig/<cluster>.conf', () => {
    const { changes } = planCase(mod, { name: 'x', params: {}, inventory: goldentooth(), host: 'bettley', facts: { files: { [ADMIN]: admin } } });
    const step = changes[0]!.steps[0];
    expect(step?.kind === 'fetch' && step.dest).toBe(join(process.cwd(), 'kubeconfig', 'goldentooth.conf'));
  });
});
