// Module `kubeadm-init`: initialises the cluster on the first control plane, exactly once.
import { z } from 'zod';
import type { Module } from '../engine/types.js';
import { change, execStep, noop } from './support/index.js';
import { apiEndpoint, firstControlPlane } from './kubernetes/cluster-shape.js';
import { renderInitConfig } from './kubernetes/kubeadm-config.js';
import { ADMIN_CONF, APISERVER_MANIFEST, INIT_CONFIG, PROVISION_DIR } from './kubernetes/paths.js';
import { kubeadmApiVersion, parseKubeVersion } from './kubernetes/version.js';

const schema = z.strictObject({});
type Params = z.infer<typeof schema>;

export const KUBEADM_VERSION_KEY = 'kubeadm:version';

const kubeadmInit: Module<Params> = {
  name: 'kubeadm-init',
  schema,
  probe: () => [
    { kind: 'file', path: ADMIN_CONF },
    { kind: 'file', path: APISERVER_MANIFEST },
    { kind: 'file', path: INIT_CONFIG },
    { kind: 'command', key: KUBEADM_VERSION_KEY, script: 'kubeadm version -o short 2>/dev/null' },
  ],
  plan(_params, ctx) {
    const first = firstControlPlane(ctx.inventory);
    if (ctx.host.name !== first.name) return noop(ctx, `cluster init runs on ${first.name} (the first control plane), not here`);
    const version = ctx.facts.command(KUBEADM_VERSION_KEY);
    const want = renderInitConfig({ inventory: ctx.inventory, host: ctx.host, installedKubeadm: version.code === 0 ? version.stdout : undefined });
    if (ctx.facts.file(ADMIN_CONF).exists) {
      const cfg = ctx.facts.file(INIT_CONFIG);
      const drift = cfg.exists && cfg.content !== undefined && cfg.content !== want;
      return noop(ctx, `cluster initialised (${ADMIN_CONF} present)${drift ? `; note: ${INIT_CONFIG} differs from the inventory, and kubeadm does not re-apply it` : ''}`);
    }
    if (ctx.facts.file(APISERVER_MANIFEST).exists) {
      // Never retry over a half-done init: kubeadm's preflight would fail, or worse, half-succeed again.
      throw new Error(
        `half-done kubeadm init on ${ctx.host.name}: ${APISERVER_MANIFEST} exists but ${ADMIN_CONF} does not. ` +
          `Fix: run 'sudo kubeadm reset -f' on ${ctx.host.name}, then re-run provision`,
      );
    }
    const ep = apiEndpoint(ctx.inventory);
    const api = kubeadmApiVersion(parseKubeVersion(ctx.inventory.cluster.kubernetes));
    return change(ctx, {
      action: 'run',
      summary: `kubeadm init (endpoint ${ep.hostPort}, pods ${ctx.inventory.network.pods}, services ${ctx.inventory.network.services}, ${api})`,
      diff: { path: INIT_CONFIG, before: '', after: want },
      steps: [
        execStep(['install', '-d', '-m', '0700', PROVISION_DIR]),
        { kind: 'write', path: INIT_CONFIG, content: want, mode: 0o600, owner: 'root', group: 'root' },
        // --upload-certs prints the certificate key: the output is secret.
        execStep(['kubeadm', 'init', '--config', INIT_CONFIG, '--upload-certs'], { secret: true }),
      ],
    });
  },
};

export default kubeadmInit;
