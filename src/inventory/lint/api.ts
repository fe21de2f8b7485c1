// The API endpoint must fit its mode: a free VIP for kube-vip, an lb host's address for HAProxy.
import type { LintCheck } from './context.js';

export const checkApi: LintCheck = (ctx) => {
  const { api } = ctx.inv.network;
  const at = ['network', 'api', 'address'];
  const owner = ctx.inv.hosts.find((h) => h.address === api.address);
  const lbs = ctx.inv.hosts.filter((h) => h.role === 'lb');
  if (api.mode === 'kube-vip') {
    if (owner) ctx.report('error', 'vip-conflict', `kube-vip VIP ${api.address} is the address of host ${owner.name}`, at, 'the VIP floats between control planes: use an address no host owns');
    // kube-vip only holds the address: clients reach kube-apiserver itself, which kubeadm binds to 6443.
    if (api.port !== 6443) {
      ctx.report('error', 'api-port', `kube-vip mode with API port ${api.port}: kube-vip forwards nothing and kube-apiserver listens on 6443`, ['network', 'api', 'port'],
        'drop network.api.port (6443), or use mode: haproxy on an lb host to serve another port');
    }
    if (lbs.length > 0) ctx.report('warning', 'vip-conflict', `mode kube-vip does not use the lb host${lbs.length > 1 ? 's' : ''} ${lbs.map((h) => h.name).join(', ')}`, ['network', 'api', 'mode'], 'use mode: haproxy with the lb host address, or drop the lb role');
    return;
  }
  if (lbs.length === 0) {
    ctx.report('error', 'vip-conflict', 'mode haproxy needs a host with role lb', ['network', 'api', 'mode'], 'add an lb host, or use mode: kube-vip with a free VIP');
  } else if (!owner || owner.role !== 'lb') {
    const what = owner ? `host ${owner.name} (role ${owner.role})` : 'no host';
    ctx.report('error', 'vip-conflict', `mode haproxy: api.address ${api.address} belongs to ${what}, not to an lb host`, at, `use the address of ${lbs.map((h) => `${h.name} (${h.address})`).join(' or ')}`);
  }
};
