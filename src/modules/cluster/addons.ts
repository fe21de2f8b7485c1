// Module `addons`: applies the pinned upstream add-ons (Calico operator or flannel, MetalLB) and provision's
// configuration objects from the first control plane; a record of versions and config hashes makes re-runs noops.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { change, execStep, noop } from '../support/index.js';
import { firstControlPlane } from '../../cluster/cluster-shape.js';
import { artifactTable, artifactText } from './addons/artifacts.js';
import { addonBundle, recordText, recordVersions, stageYaml, type AddonBundle } from './addons/bundle.js';
import { ADDONS_DIR, ADDONS_RECORD, ADDONS_SCRIPT, applyScript, stagePath, upstreamPath } from './addons/apply-script.js';

const schema = z.strictObject({});
type Params = z.infer<typeof schema>;

function describeBundle(b: AddonBundle): string {
  const versions = [...new Map(b.upstream.map((u) => [u.artifact.component, `${u.artifact.component} ${u.artifact.version}`])).values()];
  const objects = b.stages.reduce((n, s) => n + s.objects.length, 0);
  return `${versions.join(', ')}${versions.length ? ' + ' : ''}${objects} configuration object${objects === 1 ? '' : 's'}`;
}

function upgrades(before: string, b: AddonBundle): string[] {
  const old = recordVersions(before);
  const now = new Map(b.upstream.map((u) => [u.artifact.component, u.artifact.version]));
  return [...now].filter(([c, v]) => old.get(c) !== v).map(([c, v]) => (old.has(c) ? `upgrade ${c} ${old.get(c)} → ${v}` : `install ${c} ${v}`));
}

const addons: Module<Params> = {
  name: 'addons',
  schema,
  probe: (_p, ctx) => (ctx.host.name === firstControlPlane(ctx.inventory).name ? [{ kind: 'file', path: ADDONS_RECORD }] : []),
  plan(_params, ctx) {
    const inv = ctx.inventory;
    const first = firstControlPlane(inv);
    if (ctx.host.name !== first.name) return noop(ctx, `add-ons are applied from ${first.name}, not here`);
    const bundle = addonBundle(inv, artifactTable());
    if (bundle.upstream.length === 0 && bundle.stages.length === 0) return noop(ctx, 'network.cni is none and no MetalLB: no add-ons (bring your own CNI)');
    const want = recordText(inv, bundle);
    const fact = ctx.facts.file(ADDONS_RECORD);
    if (fact.exists && fact.content === want) return noop(ctx, `add-ons applied: ${describeBundle(bundle)}`);
    const before = fact.exists ? fact.content ?? '' : '';
    const what = fact.exists ? [...upgrades(before, bundle), 'reconfigure'].join('; ') : `apply ${describeBundle(bundle)}`;
    // Artifacts are read (and their sha256 re-checked) only when something is to be applied.
    const upstreamWrites = bundle.upstream.map((u, i) => ({
      kind: 'write' as const, path: upstreamPath(i, u.artifact.file), content: artifactText(u.artifact, u.exclude), mode: 0o600, owner: 'root', group: 'root',
    }));
    return change(ctx, {
      action: fact.exists ? 'update' : 'create',
      summary: what,
      ...(fact.exists ? { diff: { path: ADDONS_RECORD, before, after: want } } : {}),
      steps: [
        execStep(['sh', '-c', 'rm -rf "$1/upstream" "$1/config" && install -d -m 0700 "$1" "$1/upstream" "$1/config"', 'addons-dir', ADDONS_DIR]),
        ...upstreamWrites,
        ...bundle.stages.map((s, i) => ({ kind: 'write' as const, path: stagePath(i, s.name), content: stageYaml(s), mode: 0o600, owner: 'root', group: 'root' })),
        { kind: 'write', path: ADDONS_SCRIPT, content: applyScript(bundle), mode: 0o700, owner: 'root', group: 'root' },
        { kind: 'write', path: `${ADDONS_RECORD}.pending`, content: want, mode: 0o600, owner: 'root', group: 'root' },
        execStep(['sh', ADDONS_SCRIPT]),
      ],
    });
  },
};

export default addons;
