// Module `kubeadm-join`: joins a worker or an extra control plane with fresh secrets from a healthy control plane.
import { z } from 'zod';
import type { Change, Module, Provider, Step } from '../../core/types.js';
import type { Inventory } from '../../inventory/types.js';
import { change, execStep, noop } from '../support/index.js';
import { apiEndpoint, firstControlPlane } from '../../cluster/cluster-shape.js';
import { renderEndpointDiagnosis } from '../../cluster/endpoint-diagnosis.js';
import { renderJoinConfigTemplate } from '../../cluster/kubeadm-config.js';
import { CA_CERT, JOIN_CONFIG, KUBELET_CONF, PROVISION_DIR } from '../../cluster/paths.js';
import { certificateKeyProvider, joinProviders, tokenProvider } from './kubernetes/providers.js';

const schema = z.strictObject({});
type Params = z.infer<typeof schema>;

/**
 * kubeadm join, then the config (it holds the token) is removed whatever the outcome; on failure the
 * endpoint diagnosis ($2, a bash script) says whether the LB backends or the VIP are the cause.
 */
const JOIN_SCRIPT =
  'out=$(kubeadm join --config "$1" 2>&1); rc=$?; rm -f "$1"; ' +
  // The diagnosis first, then kubeadm's last lines: the run's error report keeps the head of stderr.
  'if [ $rc -ne 0 ]; then bash -c "$2" >&2; printf "%s\\n" "$out" | tail -n 25 >&2; else printf "%s\\n" "$out"; fi; exit $rc';

/** The provider as a planned step: what it runs and on which hosts (the first ready one, once per run). */
function provideStep(p: Provider, inventory: Inventory): Step {
  return { kind: 'provide', provider: p.name, command: p.command, on: p.candidates(inventory) };
}

const kubeadmJoin: Module<Params> = {
  name: 'kubeadm-join',
  schema,
  probe: () => [
    { kind: 'file', path: KUBELET_CONF },
    { kind: 'file', path: CA_CERT },
  ],
  plan(_params, ctx): Change {
    const { host } = ctx;
    if (host.role === 'lb') return noop(ctx, `${host.name} is a load balancer: not a Kubernetes node`);
    if (host.name === firstControlPlane(ctx.inventory).name) return noop(ctx, `${host.name} is the init node (kubeadm init, not join)`);
    if (ctx.facts.file(KUBELET_CONF).exists) return noop(ctx, `${host.name} joined (${KUBELET_CONF} present)`);
    if (ctx.facts.file(CA_CERT).exists) {
      throw new Error(
        `half-done kubeadm join on ${host.name}: ${CA_CERT} exists but ${KUBELET_CONF} does not. ` +
          `Fix: run 'sudo kubeadm reset -f' on ${host.name}, then re-run provision`,
      );
    }
    const controlPlane = host.role === 'control-plane';
    const provides = (controlPlane ? [tokenProvider, certificateKeyProvider] : [tokenProvider]).map((p) => provideStep(p, ctx.inventory));
    return change(ctx, {
      action: 'run',
      summary: `join as ${controlPlane ? 'control plane' : 'worker'} via ${apiEndpoint(ctx.inventory).hostPort} with a fresh token${controlPlane ? ' and certificate key' : ''}`,
      steps: [
        // The token (and the certificate key) first, on a healthy control plane: planned, so --check lists them.
        ...provides,
        execStep(['install', '-d', '-m', '0700', PROVISION_DIR]),
        // A template: the runner fills the provider placeholders at apply time; the file is root-only and removed after.
        { kind: 'write', path: JOIN_CONFIG, content: { template: renderJoinConfigTemplate({ inventory: ctx.inventory, host }), secret: true }, mode: 0o600, owner: 'root', group: 'root' },
        execStep(['sh', '-c', JOIN_SCRIPT, 'kubeadm-join', JOIN_CONFIG, renderEndpointDiagnosis({ inventory: ctx.inventory, from: host.name })]),
      ],
    });
  },
};

export default kubeadmJoin;

/** The playbook loader registers these for the runner: the join secrets, resolved lazily on a healthy control plane. */
export const providers = joinProviders;
