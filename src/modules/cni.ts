// Module `cni`: applies the flannel or calico manifest once (pod CIDR substituted) from the first control plane.
import { z } from 'zod';
import type { Module } from '../engine/types.js';
import { change, execStep, noop } from './support/index.js';
import { firstControlPlane } from './kubernetes/cluster-shape.js';
import { appliedPath, renderCniManifest, type CniName } from './kubernetes/cni-manifest.js';
import { ADMIN_CONF, PROVISION_DIR } from './kubernetes/paths.js';

const schema = z.strictObject({});
type Params = z.infer<typeof schema>;

/** Apply the pending manifest; only a successful apply moves it to the applied path the probe reads. */
const APPLY_SCRIPT = `kubectl --kubeconfig ${ADMIN_CONF} apply -f "$1" && mv -f "$1" "$2"`;

const cni: Module<Params> = {
  name: 'cni',
  schema,
  probe: (_p, ctx) => (ctx.inventory.network.cni === 'none' ? [] : [{ kind: 'file', path: appliedPath(ctx.inventory.network.cni) }]),
  plan(_params, ctx) {
    const name = ctx.inventory.network.cni;
    if (name === 'none') return noop(ctx, 'network.cni is none: no CNI manifest applied (bring your own)');
    const first = firstControlPlane(ctx.inventory);
    if (ctx.host.name !== first.name) return noop(ctx, `the CNI is applied from ${first.name}, not here`);
    const pods = ctx.inventory.network.pods;
    const want = renderCniManifest(name as CniName, pods);
    const path = appliedPath(name as CniName);
    const fact = ctx.facts.file(path);
    if (fact.exists && fact.content === want) return noop(ctx, `${name} applied (pod CIDR ${pods})`);
    const pending = `${path}.pending`;
    return change(ctx, {
      action: fact.exists ? 'update' : 'create',
      summary: `${fact.exists ? 're-apply' : 'apply'} the ${name} manifest (pod CIDR ${pods})`,
      // A first apply is a whole upstream manifest: only changes are worth a diff.
      ...(fact.exists && fact.content !== undefined ? { diff: { path, before: fact.content, after: want } } : {}),
      steps: [
        execStep(['install', '-d', '-m', '0700', PROVISION_DIR]),
        { kind: 'write', path: pending, content: want, mode: 0o600, owner: 'root', group: 'root' },
        execStep(['sh', '-c', APPLY_SCRIPT, 'cni-apply', pending, path]),
      ],
    });
  },
};

export default cni;
