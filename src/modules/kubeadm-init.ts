// Module `kubeadm-init`: initialises the cluster on the first control plane, exactly once.
import { z } from 'zod';
import type { Module } from '../engine/types.js';
import { change, execStep, noop } from './support/index.js';
import { apiEndpoint, firstControlPlane } from './kubernetes/cluster-shape.js';
import { renderEndpointDiagnosis } from './kubernetes/endpoint-diagnosis.js';
import { renderInitConfig } from './kubernetes/kubeadm-config.js';
import { ADMIN_CONF, APISERVER_MANIFEST, INIT_CONFIG, PROVISION_DIR } from './kubernetes/paths.js';
import { kubeadmApiVersion, parseKubeVersion } from './kubernetes/version.js';

const schema = z.strictObject({});
type Params = z.infer<typeof schema>;

export const KUBEADM_VERSION_KEY = 'kubeadm:version';

/**
 * kubeadm init; on failure the endpoint diagnosis ($2) goes to stderr first (init waits for the API through the
 * controlPlaneEndpoint, so a wrong HAProxy backend or a missing VIP fails here), then kubeadm's last lines.
 * Its stdout holds the certificate key and token: the step is secret, so only redacted stderr is ever shown.
 */
const INIT_SCRIPT =
  'out=$(kubeadm init --config "$1" --upload-certs 2>&1); rc=$?; ' +
  'if [ $rc -ne 0 ]; then bash -c "$2" >&2; printf "%s\\n" "$out" | tail -n 25 >&2; fi; exit $rc';

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
        execStep(['sh', '-c', INIT_SCRIPT, 'kubeadm-init', INIT_CONFIG, renderEndpointDiagnosis({ inventory: ctx.inventory, from: ctx.host.name })], { secret: true }),
      ],
    });
  },
};

export default kubeadmInit;
