// etcd as kubeadm runs it (a static pod per control plane): the etcdctl command run inside that pod, and its member list parsed.
import { quote } from '../core/command.js';

/** kubeadm's etcd client TLS files, as mounted in the etcd pod (hostPath /etc/kubernetes/pki/etcd). */
export const ETCD_PKI = '/etc/kubernetes/pki/etcd';
export const ETCD_DATA_DIR = '/var/lib/etcd';

export interface EtcdMember {
  /** The member ID as etcdctl prints and takes it: hex. */
  id: string;
  name: string;
  started: boolean;
  peerUrls: string[];
}

/**
 * `etcdctl ARGS` in the etcd static pod of `node` (etcd-NODE in kube-system), through `kubectl` (admin.conf). The pod has
 * etcdctl and the certificates, so the hosts need no etcd client package.
 */
export function etcdctlInPod(kubectl: string, node: string, args: string[]): string {
  return [
    `${kubectl} -n kube-system exec ${quote(`etcd-${node}`)} --`,
    'etcdctl --endpoints=https://127.0.0.1:2379',
    `--cacert=${ETCD_PKI}/ca.crt --cert=${ETCD_PKI}/server.crt --key=${ETCD_PKI}/server.key`,
    ...args.map(quote),
  ].join(' ');
}

/**
 * `etcdctl member list` (simple output): `ID, STATUS, NAME, PEER ADDRS, CLIENT ADDRS, IS LEARNER` per line, peer and client
 * addresses comma-separated inside their column when there are several. Throws on a line that is not a member.
 */
export function parseMemberList(text: string): EtcdMember[] {
  const out: EtcdMember[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const cols = line.split(', ');
    const [id, status, name, peers] = cols;
    if (cols.length < 5 || !/^[0-9a-f]{1,16}$/.test(id ?? '') || (status !== 'started' && status !== 'unstarted')) {
      throw new Error(`not an etcdctl member list line: ${JSON.stringify(line.slice(0, 200))}`);
    }
    out.push({ id: id!, name: name ?? '', started: status === 'started', peerUrls: (peers ?? '').split(',').filter(Boolean) });
  }
  return out;
}
