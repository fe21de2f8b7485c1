// Module `kube-vip`: the static pod that holds the API VIP on every control plane (written before init/join).
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { execStep, noop, planFile } from '../support/index.js';
import { declareFact } from '../../facts/declare.js';
import { netLinks } from '../../facts/kinds/net-links.js';
import { firstControlPlane } from '../../cluster/cluster-shape.js';
import { renderKubeVipManifest } from '../../cluster/kube-vip-manifest.js';
import { ADMIN_CONF, KUBE_VIP_MANIFEST, MANIFESTS_DIR, SUPER_ADMIN_CONF } from '../../cluster/paths.js';
import { isAtLeast, parseKubeVersion } from '../../cluster/version.js';

const schema = z.strictObject({
  /** The interface that carries the VIP; default: the host's primary interface (route to network.nodes). */
  interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be a network interface name like eth0').optional(),
  /** Override the pinned image (e.g. a local mirror). */
  image: z.string().regex(/^[a-z0-9./:@_-]+$/, 'must be an image reference').optional(),
});
type Params = z.infer<typeof schema>;

/**
 * kube-vip needs RBAC during init, which admin.conf lacks on ≥1.29 until init binds it (kube-vip issue 684):
 * the init node mounts super-admin.conf until admin.conf exists; joining control planes use admin.conf.
 */
export function kubeVipKubeconfig(o: { kubernetes: string; isInitNode: boolean; initialised: boolean }): string {
  const needsSuperAdmin = isAtLeast(parseKubeVersion(o.kubernetes), 1, 29) && o.isInitNode && !o.initialised;
  return needsSuperAdmin ? SUPER_ADMIN_CONF : ADMIN_CONF;
}

const kubeVip: Module<Params> = {
  name: 'kube-vip',
  schema,
  probe: () => [
    { kind: 'file', path: KUBE_VIP_MANIFEST },
    { kind: 'file', path: ADMIN_CONF },
    declareFact(netLinks),
  ],
  plan(params, ctx) {
    const { api } = ctx.inventory.network;
    if (api.mode !== 'kube-vip') return noop(ctx, `API endpoint mode is ${api.mode}: no kube-vip needed`);
    if (ctx.host.role !== 'control-plane') return noop(ctx, `${ctx.host.name} is a ${ctx.host.role}: kube-vip runs on control planes`);
    const iface = params.interface ?? ctx.facts.base.primaryInterface;
    if (!iface) throw new Error(`kube-vip on ${ctx.host.name}: no primary interface found (no route to ${ctx.inventory.network.nodes}); set the kube-vip task's 'interface'`);
    const present = ctx.facts.fact(netLinks, undefined).names;
    if (present && !present.includes(iface)) {
      throw new Error(`kube-vip on ${ctx.host.name}: interface '${iface}' does not exist there (it has: ${present.join(', ')}); the VIP ${api.address} could never come up — fix the kube-vip task's 'interface'`);
    }
    const kubeconfig = kubeVipKubeconfig({
      kubernetes: ctx.inventory.cluster.kubernetes,
      isInitNode: firstControlPlane(ctx.inventory).name === ctx.host.name,
      initialised: ctx.facts.file(ADMIN_CONF).exists,
    });
    const fact = ctx.facts.file(KUBE_VIP_MANIFEST);
    const planned = planFile({
      ctx,
      path: KUBE_VIP_MANIFEST,
      want: renderKubeVipManifest({ address: api.address, port: api.port, interface: iface, kubeconfigHostPath: kubeconfig, image: params.image }),
      fact,
      mode: 0o600,
      label: `kube-vip manifest (VIP ${api.address}:${api.port} on ${iface}, kubeconfig ${kubeconfig.split('/').pop()})`,
    });
    if (!fact.exists) planned.steps.unshift(execStep(['install', '-d', '-m', '0755', MANIFESTS_DIR]));
    return planned;
  },
};

export default kubeVip;
