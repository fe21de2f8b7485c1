// Module `kubeadm-init`: initialises the cluster on the first control plane, exactly once.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { change, execStep, noop } from '../support/index.js';
import { apiEndpoint, firstControlPlane } from '../../cluster/cluster-shape.js';
import { renderEndpointDiagnosis } from '../../cluster/endpoint-diagnosis.js';
import { renderInitConfig } from '../../cluster/kubeadm-config.js';
import { ADMIN_CONF, APISERVER_MANIFEST, INIT_CONFIG, INIT_DONE, PROVISION_DIR } from '../../cluster/paths.js';
import { declareFact } from '../../facts/declare.js';
import { kubeadmInitState } from '../../facts/kinds/kubeadm-init-state.js';
import { KUBEADM_PACKAGE, installedKubeadm, kubeadmVersion } from '../../facts/kinds/kubeadm-version.js';
import { kubeadmApiVersion, parseKubeVersion } from '../../cluster/version.js';

const schema = z.strictObject({});
type Params = z.infer<typeof schema>;

/**
 * kubeadm init; on failure the endpoint diagnosis ($2) goes to stderr first (init waits for the API through the
 * controlPlaneEndpoint, so a wrong HAProxy backend or a missing VIP fails here), then kubeadm's last lines.
 * Its stdout holds the certificate key and token: the step is secret, so only redacted stderr is ever shown.
 */
const INIT_SCRIPT =
  `rm -f ${INIT_DONE}; ` +
  'out=$(kubeadm init --config "$1" --upload-certs 2>&1); rc=$?; ' +
  `if [ $rc -eq 0 ]; then date -u +%FT%TZ > ${INIT_DONE}; else bash -c "$2" >&2; printf "%s\\n" "$out" | tail -n 25 >&2; fi; exit $rc`;

const kubeadmInit: Module<Params> = {
  name: 'kubeadm-init',
  schema,
  probe: () => [
    { kind: 'file', path: ADMIN_CONF },
    { kind: 'file', path: APISERVER_MANIFEST },
    { kind: 'file', path: INIT_CONFIG },
    declareFact(kubeadmVersion),
    { kind: 'package', name: KUBEADM_PACKAGE },
    declareFact(kubeadmInitState),
  ],
  plan(_params, ctx) {
    const first = firstControlPlane(ctx.inventory);
    if (ctx.host.name !== first.name) return noop(ctx, `cluster init runs on ${first.name} (the first control plane), not here`);
    const version = installedKubeadm(ctx.facts);
    const want = renderInitConfig({ inventory: ctx.inventory, host: ctx.host, installedKubeadm: version });
    if (ctx.facts.file(ADMIN_CONF).exists) {
      const cfg = ctx.facts.file(INIT_CONFIG);
      const drift = cfg.exists && cfg.content !== undefined && cfg.content !== want;
      const note = drift ? `; note: ${INIT_CONFIG} differs from the inventory, and kubeadm does not re-apply it` : '';
      const state = ctx.facts.fact(kubeadmInitState, undefined);
      if (state.kind === 'checked' && !state.nodes.includes(ctx.host.name)) {
        // provision started this init and never saw it succeed, and the API does not list the node: init died after
        // its kubeconfig phase. Said with the evidence, and with the one case where a reset would be wrong.
        throw new Error(
          `half-done kubeadm init on ${ctx.host.name}: ${ADMIN_CONF} exists, but provision never saw 'kubeadm init' finish ` +
            `(no ${INIT_DONE}) and the API does not list node ${ctx.host.name} (${state.detail}). ` +
            `Fix: run 'sudo kubeadm reset -f' on ${ctx.host.name}, then re-run provision ` +
            `(if this cluster did work before and its API is only down, bring kubelet and the API endpoint back instead)`,
        );
      }
      if (state.kind === 'checked') {
        return change(ctx, {
          action: 'update',
          summary: `cluster initialised (node ${ctx.host.name} registered); record it in ${INIT_DONE}`,
          steps: [execStep(['sh', '-c', `date -u +%FT%TZ > ${INIT_DONE}`])],
        });
      }
      return noop(ctx, `cluster initialised (${ADMIN_CONF} present)${note}`);
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
