// The shell script the first control plane runs to apply the add-ons: upstream artifacts server-side, then
// provision's objects stage by stage, each after `kubectl wait` says what it needs is served; record last.
import { quote } from '../../../core/command.js';
import { ADMIN_CONF } from '../../../cluster/paths.js';
import type { AddonBundle } from './bundle.js';

export const ADDONS_DIR = '/etc/kubernetes/provision/addons';
export const ADDONS_RECORD = `${ADDONS_DIR}/applied`;
export const ADDONS_SCRIPT = `${ADDONS_DIR}/apply.sh`;

/** Field managers: upstream objects and provision's own values (e.g. flannel's net-conf.json key) stay apart. */
export const UPSTREAM_MANAGER = 'provision-upstream';
export const CONFIG_MANAGER = 'provision';

const pad = (i: number) => String(i + 1).padStart(2, '0');
export const upstreamPath = (i: number, file: string) => `${ADDONS_DIR}/upstream/${pad(i)}-${file}`;
export const stagePath = (i: number, name: string) => `${ADDONS_DIR}/config/${pad(i)}-${name}.yaml`;

export function applyScript(b: AddonBundle): string {
  const k = `kubectl --kubeconfig ${ADMIN_CONF}`;
  const apply = (manager: string, path: string) => `${k} apply --server-side --force-conflicts --field-manager=${manager} -f ${quote(path)}`;
  const lines = ['#!/bin/sh', '# Written by provision (module addons); re-run by provision only when the record differs.', 'set -eu'];
  b.upstream.forEach((u, i) => lines.push(apply(UPSTREAM_MANAGER, upstreamPath(i, u.artifact.file))));
  b.stages.forEach((s, i) => {
    for (const w of s.waits) lines.push(`${k}${w.namespace ? ` -n ${w.namespace}` : ''} wait --for=condition=${w.condition} --timeout=600s ${w.what}`);
    lines.push(apply(CONFIG_MANAGER, stagePath(i, s.name)));
  });
  // With a CNI applied, up ends with a cluster whose every node is Ready (the kubelets need the CNI's config first).
  if (b.upstream.some((u) => u.artifact.component === 'calico' || u.artifact.component === 'flannel')) lines.push(`${k} wait --for=condition=Ready --timeout=600s nodes --all`);
  lines.push(`mv -f ${ADDONS_RECORD}.pending ${ADDONS_RECORD}`);
  return lines.join('\n') + '\n';
}
