// No kubeadm runs here, so the rendered kubeadm configs are checked against upstream's own field names: the json tags
// of kubernetes/kubernetes cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go (commit 017b1e4b60ca54b08b5f18a10f109ff969c697e5)
// and KubeletConfiguration's cgroupDriver (k8s.io/kubelet/config/v1beta1). An unknown key is an error kubeadm's strict
// decoding reports; a wrong shape (map where upstream has []Arg) fails the same way.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderInitConfig, renderJoinConfigTemplate } from '../../../src/cluster/kubeadm-config.js';
import { loadRealInventory, REAL_INVENTORIES } from '../../support/real-inventories.js';

type Field = string | { type: string; list?: true };
type Struct = Record<string, Field>;
const S = 'scalar';
const TYPES: Record<string, Struct> = {
  InitConfiguration: { apiVersion: S, kind: S, bootstrapTokens: S, dryRun: S, nodeRegistration: 'NodeRegistrationOptions', localAPIEndpoint: 'APIEndpoint', certificateKey: S, skipPhases: S, patches: S },
  ClusterConfiguration: {
    apiVersion: S, kind: S, etcd: S, networking: 'Networking', kubernetesVersion: S, controlPlaneEndpoint: S, apiServer: 'APIServer', controllerManager: S,
    scheduler: S, dns: S, certificatesDir: S, imageRepository: S, featureGates: S, clusterName: S,
  },
  JoinConfiguration: { apiVersion: S, kind: S, dryRun: S, nodeRegistration: 'NodeRegistrationOptions', caCertPath: S, discovery: 'Discovery', controlPlane: 'JoinControlPlane', skipPhases: S, patches: S },
  KubeletConfiguration: { apiVersion: S, kind: S, cgroupDriver: S },
  NodeRegistrationOptions: { name: S, criSocket: S, taints: S, kubeletExtraArgs: { type: 'Arg', list: true }, ignorePreflightErrors: S, imagePullPolicy: S },
  APIEndpoint: { advertiseAddress: S, bindPort: S },
  Networking: { serviceSubnet: S, podSubnet: S, dnsDomain: S },
  APIServer: { extraArgs: { type: 'Arg', list: true }, extraVolumes: S, certSANs: S, timeoutForControlPlane: S },
  Discovery: { bootstrapToken: 'BootstrapTokenDiscovery', file: S, tlsBootstrapToken: S, timeout: S },
  BootstrapTokenDiscovery: { token: S, apiServerEndpoint: S, caCertHashes: S, unsafeSkipCAVerification: S },
  JoinControlPlane: { localAPIEndpoint: 'APIEndpoint', certificateKey: S },
  Arg: { name: S, value: S },
};

function check(value: unknown, type: string, path: string, errors: string[]): void {
  const struct = TYPES[type]!;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    errors.push(`${path}: ${type} must be a mapping`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const f = struct[k];
    if (f === undefined) errors.push(`${path}.${k}: no such field in ${type}`);
    else if (typeof f === 'object') {
      if (!Array.isArray(v)) errors.push(`${path}.${k}: upstream has a list of ${f.type} (v1beta4), not ${typeof v}`);
      else v.forEach((x, i) => check(x, f.type, `${path}.${k}[${i}]`, errors));
    } else if (f !== S) check(v, f, `${path}.${k}`, errors);
  }
}

function fieldErrors(yaml: string): string[] {
  const errors: string[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    const v = doc.toJS() as { kind?: string; apiVersion?: string };
    if (!v.kind || !TYPES[v.kind]) errors.push(`unknown kind ${v.kind}`);
    else check(v, v.kind, v.kind, errors);
  }
  return errors;
}

const inventories = await Promise.all(REAL_INVENTORIES.map(async (name) => ({ name, inv: await loadRealInventory(name) })));

describe('kubeadm v1beta4 configs use only upstream field names', () => {
  it.each(inventories)('$name: init config of the first control plane', ({ inv }) => {
    const host = inv.hosts.find((h) => h.role === 'control-plane')!;
    const yaml = renderInitConfig({ inventory: inv, host });
    expect(yaml).toContain('apiVersion: kubeadm.k8s.io/v1beta4');
    expect(fieldErrors(yaml)).toEqual([]);
  });
  it.each(inventories)('$name: join config of every other node', ({ inv }) => {
    for (const host of inv.hosts.filter((h) => h.role !== 'lb').slice(1)) expect(fieldErrors(renderJoinConfigTemplate({ inventory: inv, host })), host.name).toEqual([]);
  });
  it('the check can fail: a v1beta3-style extraArgs map and an unknown key are reported', () => {
    const bad = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs: { node-ip: 1.2.3.4 }\n  nodeIP: 1.2.3.4\n';
    expect(fieldErrors(bad)).toEqual(['InitConfiguration.nodeRegistration.kubeletExtraArgs: upstream has a list of Arg (v1beta4), not object', 'InitConfiguration.nodeRegistration.nodeIP: no such field in NodeRegistrationOptions']);
  });
});
