// Module `kubeconfig`: copies admin.conf to the laptop as ./kubeconfig/<cluster>.conf (0600, server = API endpoint).
import { relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { change, noop } from '../support/index.js';
import { apiEndpoint, firstControlPlane } from '../../cluster/cluster-shape.js';
import { readLocalFile, rewriteServer } from './kubernetes/kubeconfig-rewrite.js';
import { ADMIN_CONF } from '../../cluster/paths.js';

const schema = z.strictObject({
  /** Where on the laptop; default ./kubeconfig/<cluster>.conf (relative to the current directory). */
  dest: z.string().min(1).optional(),
});
type Params = z.infer<typeof schema>;

export function kubeconfigDest(cluster: string, dest?: string): string {
  return resolve(dest ?? `kubeconfig/${cluster}.conf`);
}

export function usageHint(dest: string): string {
  return `export KUBECONFIG=${dest}`;
}

const kubeconfig: Module<Params> = {
  name: 'kubeconfig',
  schema,
  probe: () => [{ kind: 'file', path: ADMIN_CONF }],
  plan(params, ctx) {
    const first = firstControlPlane(ctx.inventory);
    if (ctx.host.name !== first.name) return noop(ctx, `the kubeconfig is fetched from ${first.name}, not here`);
    const dest = kubeconfigDest(ctx.inventory.cluster.name, params.dest);
    const shown = relative(process.cwd(), dest) || dest;
    const { url } = apiEndpoint(ctx.inventory);
    const transform = (content: string) => rewriteServer(content, url);
    const remote = ctx.facts.file(ADMIN_CONF);
    const local = readLocalFile(dest);
    if (remote.content !== undefined && local.exists && local.content === transform(remote.content) && local.mode === 0o600) {
      return noop(ctx, `${shown} up to date (server ${url}); use: ${usageHint(dest)}`);
    }
    const what = !local.exists ? 'write' : local.content !== undefined && remote.content !== undefined && local.content === transform(remote.content) ? 'fix mode 0600 of' : 'update';
    // Never a diff: the kubeconfig holds the cluster admin's private key.
    return change(ctx, {
      action: local.exists ? 'update' : 'create',
      summary: `${what} ${shown} from ${first.name}:${ADMIN_CONF} (server ${url}, mode 0600); use: ${usageHint(dest)}`,
      steps: [{ kind: 'fetch', path: ADMIN_CONF, dest, mode: 0o600, transform }],
    });
  },
};

export default kubeconfig;
