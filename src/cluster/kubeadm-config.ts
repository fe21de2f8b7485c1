// Renders kubeadm's init and join configuration files for the API version the cluster's Kubernetes speaks.
import { stringify } from 'yaml';
import type { Host, Inventory } from '../inventory/types.js';
import { apiEndpoint } from './cluster-shape.js';
import { APISERVER_PORT, CRI_SOCKET } from './paths.js';
import { exactKubeVersion, kubeadmApiVersion, parseKubeVersion } from './version.js';
import { CERT_KEY_PROVIDER, TOKEN_PROVIDER, placeholder } from './provider-names.js';

type ApiVersion = ReturnType<typeof kubeadmApiVersion>;

/** v1beta4 turned every extraArgs map into a list of {name, value}; v1beta3 keeps the map. */
export function extraArgs(api: ApiVersion, args: Record<string, string>): Record<string, string> | Array<{ name: string; value: string }> {
  if (api === 'kubeadm.k8s.io/v1beta3') return { ...args };
  return Object.entries(args).map(([name, value]) => ({ name, value }));
}

function nodeRegistration(api: ApiVersion, host: Host) {
  return { name: host.name, criSocket: CRI_SOCKET, kubeletExtraArgs: extraArgs(api, { 'node-ip': host.address }) };
}

function documents(docs: object[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

export interface InitConfigOptions {
  inventory: Inventory;
  host: Host;
  /** `kubeadm version -o short` on the host, when installed: pins kubernetesVersion to the installed patch. */
  installedKubeadm?: string;
}

export function renderInitConfig(o: InitConfigOptions): string {
  const inv = o.inventory;
  const version = parseKubeVersion(inv.cluster.kubernetes);
  const api = kubeadmApiVersion(version);
  const ep = apiEndpoint(inv);
  const sans = [...new Set([ep.address, ep.host])];
  return documents([
    {
      apiVersion: api,
      kind: 'InitConfiguration',
      // A cluster without workers must run workloads on its control planes: an empty list means no taint.
      nodeRegistration: { ...nodeRegistration(api, o.host), ...(inv.hosts.some((h) => h.role === 'worker') ? {} : { taints: [] }) },
      localAPIEndpoint: { advertiseAddress: o.host.address, bindPort: APISERVER_PORT },
    },
    {
      apiVersion: api,
      kind: 'ClusterConfiguration',
      clusterName: inv.cluster.name,
      kubernetesVersion: exactKubeVersion(version, o.installedKubeadm),
      controlPlaneEndpoint: ep.hostPort,
      networking: { podSubnet: inv.network.pods, serviceSubnet: inv.network.services },
      apiServer: { certSANs: sans },
    },
    { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupDriver: 'systemd' },
  ]);
}

export interface JoinConfigOptions {
  inventory: Inventory;
  host: Host;
}

/**
 * A JoinConfiguration TEMPLATE: the token, CA hash and (control planes) certificate key are provider
 * placeholders the runner fills at apply time, so they never exist in the plan, on the laptop or in argv.
 */
export function renderJoinConfigTemplate(o: JoinConfigOptions): string {
  const api = kubeadmApiVersion(parseKubeVersion(o.inventory.cluster.kubernetes));
  const join: Record<string, unknown> = {
    apiVersion: api,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: apiEndpoint(o.inventory).hostPort,
        token: placeholder(TOKEN_PROVIDER, 'token'),
        caCertHashes: [placeholder(TOKEN_PROVIDER, 'caCertHash')],
      },
    },
    nodeRegistration: nodeRegistration(api, o.host),
  };
  if (o.host.role === 'control-plane') {
    join.controlPlane = {
      localAPIEndpoint: { advertiseAddress: o.host.address, bindPort: APISERVER_PORT },
      certificateKey: placeholder(CERT_KEY_PROVIDER, 'key'),
    };
  }
  // No KubeletConfiguration here: a joining kubelet takes the cluster's (kubeadm ignores one in a join config).
  return documents([join]);
}
