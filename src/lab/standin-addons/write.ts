// `lab up` writes the lab's add-on "releases" into the lab's directory: provision's own stand-in objects (the lab has
// no internet, and the project carries no copies of upstream files), with a versions table pinning each file's
// sha256, so `up` in the lab goes through the same mirror, cache and checksum path as on a real cluster.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CALICO_VERSION, FLANNEL_VERSION, METALLB_VERSION, type Artifact, type AddonComponent } from '../../modules/cluster/addons/versions.js';
import { calicoCrds, calicoOperator } from './calico.js';
import { flannelRelease } from './flannel.js';
import { metallbRelease } from './metallb.js';
import type { LabObject } from './lab-objects.js';

interface Release { component: AddonComponent; version: string; file: string; objects: LabObject[] }

/** In apply order within a component, as the real table (Calico's CRDs before its operator). */
export function standinReleases(): Release[] {
  return [
    { component: 'calico', version: `lab-${CALICO_VERSION}`, file: 'calico-operator-crds.yaml', objects: calicoCrds() },
    { component: 'calico', version: `lab-${CALICO_VERSION}`, file: 'calico-tigera-operator.yaml', objects: calicoOperator() },
    { component: 'flannel', version: `lab-${FLANNEL_VERSION}`, file: 'flannel-kube-flannel.yml', objects: flannelRelease() },
    { component: 'metallb', version: `lab-${METALLB_VERSION}`, file: 'metallb-metallb-native.yaml', objects: metallbRelease() },
  ];
}

export function releaseText(r: Release): string {
  return `# provision lab stand-in for ${r.component} ${r.version.replace(/^lab-/, '')} (${r.file}): not the upstream file\n${r.objects.map((o) => `---\n${stringify(o)}`).join('')}`;
}

/** Writes every stand-in release and versions.json into DIR; returns the table written. */
export function writeStandinAddons(dir: string): Artifact[] {
  mkdirSync(dir, { recursive: true });
  const table = standinReleases().map((r): Artifact => {
    const text = releaseText(r);
    writeFileSync(join(dir, r.file), text);
    return { component: r.component, version: r.version, file: r.file, url: `lab-mirror:${r.file}`, sha256: createHash('sha256').update(text).digest('hex') };
  });
  writeFileSync(join(dir, 'versions.json'), `${JSON.stringify(table, null, 1)}\n`);
  return table;
}

/** Where a lab keeps them. */
export const labAddonsDir = (labDir: string) => `${labDir}/addons`;
