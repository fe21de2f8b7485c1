// Sizes: etcd needs an odd number of control planes; pod and service CIDRs must fit the cluster and Kubernetes.
import { cidrSpan, spanSize } from '../ipv4.js';
import type { LintCheck } from './context.js';

export const checkQuorum: LintCheck = (ctx) => {
  const cps = ctx.inv.hosts.filter((h) => h.role === 'control-plane');
  if (cps.length === 0) {
    ctx.report('error', 'etcd-quorum', 'no host has role control-plane', ['hosts'], 'give one host (or three) role: control-plane');
  } else if (cps.length % 2 === 0) {
    ctx.report('warning', 'etcd-quorum', `${cps.length} control planes: etcd tolerates no more failures than with ${cps.length - 1}`, ctx.hostPath(cps[cps.length - 1]!, 'role'),
      `use an odd number (${cps.length - 1} or ${cps.length + 1}); an even count only adds a member that must agree`);
  }
};

const prefixOf = (cidr: string) => Number(cidr.split('/')[1]);

export const checkPodCidr: LintCheck = (ctx) => {
  const { pods, cni } = ctx.inv.network;
  const nodes = ctx.inv.hosts.filter((h) => h.role !== 'lb').length;
  const prefix = prefixOf(pods);
  if (cni === 'flannel') {
    const blocks = prefix > 24 ? 0 : 2 ** (24 - prefix);
    if (blocks < nodes) {
      ctx.report('error', 'pod-cidr-too-small', `pods ${pods} holds ${blocks} /24 block${blocks === 1 ? '' : 's'}; Flannel gives each of the ${nodes} nodes one`, ['network', 'pods'],
        'use a /16 (e.g. 10.244.0.0/16), Flannel\'s default');
    }
  } else if (cni === 'calico') {
    const blocks = Math.floor(spanSize(cidrSpan(pods)) / 64);
    if (blocks < nodes) {
      ctx.report('warning', 'pod-cidr-too-small', `pods ${pods} holds ${blocks} /26 block${blocks === 1 ? '' : 's'}; Calico's IPAM wants at least one per node (${nodes} nodes)`, ['network', 'pods'],
        'widen the pod CIDR or set a smaller Calico blockSize');
    }
  }
};

export const checkServiceCidr: LintCheck = (ctx) => {
  const { services } = ctx.inv.network;
  const prefix = prefixOf(services);
  if (prefix < 12) {
    ctx.report('error', 'service-cidr-too-large', `services ${services} is larger than Kubernetes accepts (an IPv4 service CIDR can be at most a /12)`, ['network', 'services'],
      'use a /12 or smaller, e.g. 10.96.0.0/12');
  } else if (prefix > 28) {
    ctx.report('error', 'service-cidr-too-large', `services ${services} is too small: kubeadm gives the cluster DNS the 10th address`, ['network', 'services'], 'use at least a /28; a /16 or /12 is usual');
  }
};
