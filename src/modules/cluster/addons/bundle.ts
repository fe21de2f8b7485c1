// What the cluster gets for an inventory: the upstream artifacts (in order, some objects left out), provision's
// own configuration objects in apply stages (each after what it needs is served), and the record of it all.
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import type { Inventory } from '../../../inventory/types.js';
import { calicoBgpObjects, calicoOperatorObjects } from './calico-objects.js';
import { flannelObjects } from './flannel-objects.js';
import { objectId, type K8sObject } from './k8s-object.js';
import { METALLB_NAMESPACE, metallbObjects, metallbSpeakerEnabled } from './metallb-objects.js';
import type { AddonComponent, Artifact } from './versions.js';

export interface UpstreamPart {
  artifact: Artifact;
  /** Objects of the upstream manifest not applied (kind/namespace/name), e.g. MetalLB's speaker. */
  exclude: string[];
}

/** Before a stage is applied: `kubectl wait` for each of these (CRDs established, webhooks and API servers up). */
export interface Wait {
  what: string;
  condition: 'Established' | 'Available';
  namespace?: string;
}

export interface ConfigStage {
  name: string;
  waits: Wait[];
  objects: K8sObject[];
}

export interface AddonBundle {
  upstream: UpstreamPart[];
  stages: ConfigStage[];
}

const crd = (plural: string, group: string): Wait => ({ what: `crd/${plural}.${group}`, condition: 'Established' });

export function wantedComponents(inv: Inventory): AddonComponent[] {
  const out: AddonComponent[] = [];
  if (inv.network.cni === 'calico' || inv.network.cni === 'flannel') out.push(inv.network.cni);
  if (inv.network.metallb) out.push('metallb');
  return out;
}

export function addonBundle(inv: Inventory, table: readonly Artifact[]): AddonBundle {
  const components = wantedComponents(inv);
  const upstream: UpstreamPart[] = [];
  for (const c of components) {
    const arts = table.filter((a) => a.component === c);
    if (arts.length === 0) throw new Error(`the add-on versions table has no artifact for ${c}`);
    const exclude = c === 'metallb' && !metallbSpeakerEnabled(inv) ? [`DaemonSet/${METALLB_NAMESPACE}/speaker`] : [];
    for (const artifact of arts) upstream.push({ artifact, exclude });
  }
  // Stages in dependency order: the CNI first (MetalLB's controller, a pod, cannot start before a pod network),
  // Calico's BGP objects once its API server answers, MetalLB's objects once its webhook runs.
  const stages: ConfigStage[] = [];
  if (components.includes('calico')) {
    stages.push({ name: 'calico', waits: [crd('installations', 'operator.tigera.io'), crd('apiservers', 'operator.tigera.io')], objects: calicoOperatorObjects(inv) });
    const bgp = calicoBgpObjects(inv);
    if (bgp.length) stages.push({ name: 'calico-bgp', waits: [{ what: 'apiservice/v3.projectcalico.org', condition: 'Available' }], objects: bgp });
  }
  if (components.includes('flannel')) stages.push({ name: 'flannel', waits: [], objects: flannelObjects(inv) });
  if (components.includes('metallb')) {
    const objs = metallbObjects(inv);
    const plurals = [...new Set(objs.map((o) => `${o.kind.toLowerCase()}s`))];
    // MetalLB's validating webhook is served by its controller: objects are refused until it runs.
    const waits: Wait[] = [...plurals.map((p) => crd(p, 'metallb.io')), { what: 'deployment/controller', condition: 'Available', namespace: METALLB_NAMESPACE }];
    stages.push({ name: 'metallb', waits, objects: objs });
  }
  return { upstream, stages: stages.filter((s) => s.objects.length > 0) };
}

export function stageYaml(stage: ConfigStage): string {
  return stage.objects.map((o) => stringify(o)).join('---\n');
}

/** The manifest with the excluded objects' documents dropped; every other document kept byte for byte. */
export function withoutObjects(text: string, exclude: string[]): string {
  if (exclude.length === 0) return text;
  const docs = text.split(/^---[ \t]*$/m);
  const kept = docs.filter((d) => {
    let o: unknown;
    try {
      o = parse(d);
    } catch {
      return true;
    }
    if (!o || typeof o !== 'object' || !('kind' in o) || !('metadata' in o)) return true;
    return !exclude.includes(objectId(o as K8sObject));
  });
  if (kept.length === docs.length) throw new Error(`none of ${exclude.join(', ')} is in the upstream manifest: the versions table changed what it ships`);
  return kept.join('---');
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** One line per artifact and per stage: what `up` compares to decide, and what --check's diff shows. */
export function recordText(inv: Inventory, b: AddonBundle): string {
  const lines = [`# provision add-ons on cluster ${inv.cluster.name}: written after a successful apply, compared on every run`];
  for (const u of b.upstream) lines.push(`${u.artifact.component} ${u.artifact.version} ${u.artifact.file} sha256=${u.artifact.sha256}${u.exclude.length ? ` without ${u.exclude.join(',')}` : ''}`);
  for (const s of b.stages) lines.push(`config ${s.name} sha256=${hash(stageYaml(s))} ${s.objects.map(objectId).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** component → version, read back from a record (to say "upgrade calico v3.30.6 → v3.30.7"). */
export function recordVersions(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of text.split('\n')) {
    const f = l.split(' ');
    if (f.length >= 3 && ['calico', 'flannel', 'metallb'].includes(f[0]!)) m.set(f[0]!, f[1]!);
  }
  return m;
}
