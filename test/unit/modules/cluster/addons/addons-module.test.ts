// The addons module and its artifacts: cache and mirror, sha256 refusal, first apply, noop re-run, upgrade shown by a plan.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prefetchAddons } from '../../../../../src/cli/cluster/addon-fetch.js';
import { UserError } from '../../../../../src/core/errors.js';
import mod from '../../../../../src/modules/cluster/addons.js';
import { artifactTable, ChecksumError, ensureArtifacts, readArtifact } from '../../../../../src/modules/cluster/addons/artifacts.js';
import { ADDONS_RECORD } from '../../../../../src/modules/cluster/addons/apply-script.js';
import { withoutObjects } from '../../../../../src/modules/cluster/addons/bundle.js';
import type { Artifact } from '../../../../../src/modules/cluster/addons/versions.js';
import { fakeInventory } from '../../../../support/fake-inventory.js';
import { planCase } from '../../harness.js';
import { tempDir } from '../../../../support/temp-dir.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const FLANNEL = 'kind: Namespace\nmetadata:\n  name: kube-flannel\n';
const METALLB = 'kind: Namespace\nmetadata:\n  name: metallb-system\n---\nkind: DaemonSet\nmetadata:\n  name: speaker\n  namespace: metallb-system\n---\nkind: Deployment\nmetadata:\n  name: controller\n  namespace: metallb-system\n';

let dir: string;
let env: NodeJS.ProcessEnv;
const table = (metallbVersion = 'v0.15.3', metallb = METALLB): Artifact[] => [
  { component: 'flannel', version: 'v0.28.9', file: 'kube-flannel.yml', url: 'https://invalid.example/kube-flannel.yml', sha256: sha(FLANNEL) },
  { component: 'metallb', version: metallbVersion, file: `metallb-${metallbVersion}.yaml`, url: 'https://invalid.example/metallb.yaml', sha256: sha(metallb) },
];

beforeAll(() => {
  dir = tempDir('i14-addons-');
  mkdirSync(join(dir, 'mirror'));
  writeFileSync(join(dir, 'mirror', 'kube-flannel.yml'), FLANNEL);
  writeFileSync(join(dir, 'mirror', 'metallb-v0.15.3.yaml'), METALLB);
  writeFileSync(join(dir, 'table.json'), JSON.stringify(table()));
  env = { XDG_CACHE_HOME: join(dir, 'cache'), PROVISION_ADDONS_TABLE: join(dir, 'table.json') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inv = () => fakeInventory({ file: join(dir, 'inv.yaml'), addons: { mirror: 'mirror' } });

describe('artifacts', () => {
  it('copies from the mirror (relative to the inventory) into the cache once, verified', async () => {
    const first = await ensureArtifacts(table(), inv(), env);
    expect(first.map((r) => r.downloaded)).toEqual([true, true]);
    expect((await ensureArtifacts(table(), inv(), env)).map((r) => r.downloaded)).toEqual([false, false]);
    expect(readArtifact(table()[0]!, env)).toBe(FLANNEL);
  });

  it('a tampered mirror file is refused, naming both hashes, and never enters the cache', async () => {
    const real = `${METALLB}# v0.15.4\n`;
    const tampered = table('v0.15.4', real);
    const evil = real.replace('speaker', 'sp3aker');
    writeFileSync(join(dir, 'mirror', 'metallb-v0.15.4.yaml'), evil);
    const err = await ensureArtifacts(tampered, inv(), env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toMatch(new RegExp(`metallb v0.15.4 metallb-v0.15.4.yaml from .*mirror/metallb-v0.15.4.yaml has sha256 ${sha(evil)}, but the versions table pins ${sha(real)}: refusing it \\(nothing was applied\\)`));
    expect(readdirSync(join(dir, 'cache', 'provision', 'addons')).sort()).toEqual([sha(FLANNEL), sha(METALLB)].sort());
  });

  it('an http(s) mirror serves the files by name; prefetch for up turns a bad one into a user error', async () => {
    const served = new Map([['kube-flannel.yml', FLANNEL], ['metallb-v0.15.3.yaml', 'tampered\n']]);
    const server = createServer((q, res) => {
      const body = served.get((q.url ?? '').replace(/^\/mirror\//, ''));
      res.statusCode = body === undefined ? 404 : 200;
      res.end(body ?? 'not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror/`;
      const fresh = { ...env, XDG_CACHE_HOME: join(dir, 'http-cache') };
      const web = fakeInventory({ file: join(dir, 'inv.yaml'), addons: { mirror: url } });
      expect((await ensureArtifacts([table()[0]!], web, fresh)).map((r) => r.downloaded)).toEqual([true]);
      await expect(ensureArtifacts([table()[1]!], web, fresh)).rejects.toThrow(/from http:\/\/127\.0\.0\.1:\d+\/mirror\/metallb-v0\.15\.3\.yaml has sha256/);
      const missing: Artifact = { ...table()[1]!, file: 'absent.yaml', sha256: sha('x') };
      await expect(ensureArtifacts([missing], web, fresh)).rejects.toThrow(/cannot download http:.*absent\.yaml: HTTP 404/);
      vi.stubEnv('XDG_CACHE_HOME', join(dir, 'http-cache-2'));
      vi.stubEnv('PROVISION_ADDONS_TABLE', join(dir, 'table.json'));
      writeFileSync(join(dir, 'table.json'), JSON.stringify(table()));
      const err = await prefetchAddons(web, () => {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^add-ons: metallb v0\.15\.3 metallb-v0\.15\.3\.yaml from http:.* refusing it \(nothing was applied\)$/);
    } finally {
      vi.unstubAllEnvs();
      server.close();
    }
  });

  it('a PROVISION_ADDONS_TABLE that is missing or not a table is a user error naming it, with a hint (not an internal one)', () => {
    const missing = join(dir, 'no-such-table.json');
    const bad = join(dir, 'bad-table.json');
    writeFileSync(bad, JSON.stringify([{ component: 'weave', version: 'v1', file: 'w.yaml', url: 'x', sha256: sha('') }]));
    for (const [file, says] of [[missing, 'no such file'], [bad, 'not a versions table']] as const) {
      let err: unknown;
      try {
        artifactTable({ PROVISION_ADDONS_TABLE: file });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toContain(`PROVISION_ADDONS_TABLE=${file}: ${says}`);
      expect((err as UserError).hint).toMatch(/unset PROVISION_ADDONS_TABLE/);
    }
    expect(artifactTable({ PROVISION_ADDONS_TABLE: join(dir, 'table.json') })).toEqual(table());
  });

  it('a cache file edited after download is refused when read', () => {
    const a: Artifact = { component: 'flannel', version: 'x', file: 'f.yml', url: 'u', sha256: sha('good') };
    mkdirSync(join(dir, 'cache', 'provision', 'addons'), { recursive: true });
    writeFileSync(join(dir, 'cache', 'provision', 'addons', a.sha256), 'evil');
    expect(() => readArtifact(a, env)).toThrow(/has sha256 .* but the versions table pins/);
  });

  it('an unreachable upstream says so and suggests the mirror', async () => {
    const a: Artifact = { component: 'flannel', version: 'x', file: 'f.yml', url: 'http://127.0.0.1:9/f.yml', sha256: sha('nothing') };
    await expect(ensureArtifacts([a], fakeInventory(), env)).rejects.toThrow(/cannot download http:\/\/127.0.0.1:9\/f.yml: .*set addons.mirror/);
  });

  it('withoutObjects drops exactly the named documents, the rest byte for byte', () => {
    expect(withoutObjects(METALLB, ['DaemonSet/metallb-system/speaker'])).toBe(METALLB.replace('---\nkind: DaemonSet\nmetadata:\n  name: speaker\n  namespace: metallb-system\n', ''));
    expect(() => withoutObjects(METALLB, ['DaemonSet/x/y'])).toThrow(/none of DaemonSet\/x\/y/);
  });
});

describe('module addons', () => {
  const plan = (files: Record<string, string> = {}, host?: string, t = table()) => {
    writeFileSync(join(dir, 'table.json'), JSON.stringify(t));
    process.env.PROVISION_ADDONS_TABLE = env.PROVISION_ADDONS_TABLE;
    process.env.XDG_CACHE_HOME = env.XDG_CACHE_HOME;
    try {
      return planCase(mod, { name: 'x', params: {}, inventory: inv(), facts: { files }, ...(host ? { host } : {}) }).changes;
    } finally {
      delete process.env.PROVISION_ADDONS_TABLE;
      delete process.env.XDG_CACHE_HOME;
    }
  };

  it('first apply: upstream files, config, the script, the pending record, then the script runs', () => {
    const [c] = plan();
    expect(c!.action).toBe('create');
    expect(c!.summary).toBe('apply flannel v0.28.9, metallb v0.15.3 + 3 configuration objects');
    const writes = c!.steps.filter((s) => s.kind === 'write').map((s) => (s.kind === 'write' ? s.path : ''));
    expect(writes).toEqual([
      '/etc/kubernetes/provision/addons/upstream/01-kube-flannel.yml', '/etc/kubernetes/provision/addons/upstream/02-metallb-v0.15.3.yaml',
      '/etc/kubernetes/provision/addons/config/01-flannel.yaml', '/etc/kubernetes/provision/addons/config/02-metallb.yaml', '/etc/kubernetes/provision/addons/apply.sh', `${ADDONS_RECORD}.pending`,
    ]);
    const script = c!.steps.find((s) => s.kind === 'write' && s.path.endsWith('apply.sh'));
    const text = script?.kind === 'write' ? String(script.content) : '';
    expect(text).toContain('apply --server-side --force-conflicts --field-manager=provision-upstream -f /etc/kubernetes/provision/addons/upstream/01-kube-flannel.yml');
    expect(text).toContain('-n metallb-system wait --for=condition=Available --timeout=600s deployment/controller');
    expect(text.indexOf('crd/ipaddresspools.metallb.io')).toBeLessThan(text.indexOf('--field-manager=provision -f /etc/kubernetes/provision/addons/config/02-metallb.yaml'));
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['kubectl --kubeconfig /etc/kubernetes/admin.conf wait --for=condition=Ready --timeout=600s nodes --all', `mv -f ${ADDONS_RECORD}.pending ${ADDONS_RECORD}`]);
    expect(c!.steps.at(-1)).toMatchObject({ kind: 'exec', command: { argv: ['sh', '/etc/kubernetes/provision/addons/apply.sh'] } });
  });

  it('re-run with the record in place: noop; other nodes: noop', () => {
    const [c] = plan();
    const record = c!.steps.find((s) => s.kind === 'write' && s.path.endsWith('.pending'));
    const text = record?.kind === 'write' ? String(record.content) : '';
    expect(plan({ [ADDONS_RECORD]: text })[0]!.action).toBe('noop');
    expect(plan({}, 'k8s-worker-01')[0]).toMatchObject({ action: 'noop', summary: 'add-ons are applied from k8s-cp-01, not here' });
  });

  it('a version bump in the table is an upgrade, with the record diff', () => {
    const old = plan({}, undefined, table())[0]!.steps.find((s) => s.kind === 'write' && s.path.endsWith('.pending'));
    const oldText = old?.kind === 'write' ? String(old.content).replaceAll('v0.15.3', 'v0.15.2') : '';
    const [c] = plan({ [ADDONS_RECORD]: oldText });
    expect(c).toMatchObject({ action: 'update', summary: 'upgrade metallb v0.15.2 → v0.15.3; reconfigure', diff: { path: ADDONS_RECORD, before: oldText } });
  });

  it('a tampered cache stops the plan before any step', () => {
    const bad = table('v9.9.9', 'kind: Namespace\nmetadata:\n  name: never-downloaded\n');
    expect(() => plan({}, undefined, bad)).toThrow(/metallb v9.9.9 metallb-v9.9.9.yaml is not in the cache/);
  });
});
