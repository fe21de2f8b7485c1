// Renders kube-vip's static pod manifest (ARP mode, leader election) for one control plane.
import { stringify } from 'yaml';

/** Pinned: a kube-vip release known to work with kubeadm's static pods and ARP leader election. */
export const KUBE_VIP_IMAGE = 'ghcr.io/kube-vip/kube-vip:v0.8.9';

export interface KubeVipManifestOptions {
  address: string;
  port: number;
  interface: string;
  /** The kubeconfig on the host that kube-vip uses: admin.conf, or super-admin.conf during init on ≥1.29. */
  kubeconfigHostPath: string;
  image?: string;
}

type EnvVar = { name: string; value: string } | { name: string; valueFrom: { fieldRef: { fieldPath: string } } };

/**
 * Env as kube-vip reads it (pkg/kubevip/config_envvar.go); every value is a string (a static pod env value
 * must be). vip_nodename is the lease holder's identity: without it kube-vip falls back to the pod's hostname,
 * as upstream's `kube-vip manifest pod` sets it from the downward API.
 */
function env(o: KubeVipManifestOptions): EnvVar[] {
  const pairs: Array<[string, string]> = [
    ['vip_arp', 'true'],
    ['port', String(o.port)],
    ['vip_interface', o.interface],
    ['vip_cidr', '32'],
    ['dns_mode', 'first'],
    ['cp_enable', 'true'],
    ['cp_namespace', 'kube-system'],
    ['svc_enable', 'false'],
    ['vip_leaderelection', 'true'],
    ['vip_leasename', 'plndr-cp-lock'],
    ['vip_leaseduration', '5'],
    ['vip_renewdeadline', '3'],
    ['vip_retryperiod', '1'],
    ['address', o.address],
    ['prometheus_server', ':2112'],
  ];
  const vars: EnvVar[] = pairs.map(([name, value]) => ({ name, value }));
  vars.splice(2, 0, { name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  return vars;
}

export function renderKubeVipManifest(o: KubeVipManifestOptions): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kube-vip', namespace: 'kube-system' },
    spec: {
      containers: [
        {
          name: 'kube-vip',
          image: o.image ?? KUBE_VIP_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          args: ['manager'],
          env: env(o),
          securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
          volumeMounts: [{ mountPath: '/etc/kubernetes/admin.conf', name: 'kubeconfig' }],
        },
      ],
      hostAliases: [{ hostnames: ['kubernetes'], ip: '127.0.0.1' }],
      hostNetwork: true,
      volumes: [{ name: 'kubeconfig', hostPath: { path: o.kubeconfigHostPath } }],
    },
  };
  return `# Managed by provision: kube-vip holds the API VIP ${o.address} on ${o.interface} (ARP, leader election).\n${stringify(pod)}`;
}
