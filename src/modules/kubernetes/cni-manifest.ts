// Loads a CNI manifest template shipped in modules/assets and fills in the pod CIDR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_ROOT } from '../../package-root.js';

export type CniName = 'flannel' | 'calico';
export const POD_CIDR_PLACEHOLDER = '__POD_CIDR__';

/** The manifest for `name` with every pod CIDR placeholder replaced (assets are copied next to dist/modules). */
export function renderCniManifest(name: CniName, podCidr: string): string {
  const template = readFileSync(join(CODE_ROOT, 'modules', 'assets', `${name}.yaml`), 'utf8');
  if (!template.includes(POD_CIDR_PLACEHOLDER)) throw new Error(`CNI template ${name}.yaml has no ${POD_CIDR_PLACEHOLDER} placeholder`);
  return template.replaceAll(POD_CIDR_PLACEHOLDER, podCidr);
}

/** Where the last manifest applied successfully is kept on the init node: the probe compares against it. */
export function appliedPath(name: CniName): string {
  return `/etc/kubernetes/provision/cni-${name}.yaml`;
}
