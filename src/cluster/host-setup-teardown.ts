// `provision reset` without --keep-host-setup: what `up` put on a host besides the cluster, removed (pure text), and what
// stays, said out loud. Only what provision owns whole (its files, its marked blocks, its nft table, the kube packages).
import { quote } from '../core/command.js';
import { HOSTS_MARKER } from './hosts-block.js';
import { NFT_FILE, NFTABLES_CONF } from './nft-ruleset.js';
import { MODULES_FILE, SYSCTL_FILE } from '../modules/cluster/k8s-prereqs.js';
import { KEYRING, SOURCES_LIST } from '../modules/cluster/host-setup/kube-apt.js';

/** The marked blocks provision writes into files it shares with the user (removed with their markers, the rest kept). */
const BLOCKS: Array<{ file: string; marker: string }> = [
  { file: '/etc/hosts', marker: HOSTS_MARKER },
  { file: NFTABLES_CONF, marker: 'provision firewall' },
];
const KUBE_PACKAGES = ['kubeadm', 'kubelet', 'kubectl'];

/** Left in place by a reset even without --keep-host-setup, and why (docs and the verb's report say it). */
export const LEFT_IN_PLACE = [
  'MetalLB pool routes persisted in the host\'s network stack (netplan, ifupdown or NetworkManager): remove them with the stack\'s own tools',
  'containerd and its config (other workloads may use it)',
  'Raspberry Pi cgroup flags in cmdline.txt and time sync',
  'haproxy on lb hosts (its config keeps the old backends until the next up)',
];

/** Removes the blocks, provision's nft table and files, the kube packages and their repository. Exits 1 naming what failed. */
export function renderTeardownScript(): string {
  return [
    'failed=""',
    'fail() { failed="$failed $1"; }',
    ...BLOCKS.map(({ file, marker }) => [
      `if [ -f ${file} ] && grep -qx ${quote(`# BEGIN ${marker}`)} ${file}; then`,
      `  sed ${quote(`/^# BEGIN ${marker}$/,/^# END ${marker}$/d`)} ${file} > ${file}.provision-tmp && cat ${file}.provision-tmp > ${file} && rm -f ${file}.provision-tmp || fail ${quote(file)}`,
      'fi',
    ].join('\n')),
    'if command -v nft >/dev/null 2>&1 && nft list table inet provision >/dev/null 2>&1; then nft delete table inet provision || fail nft-table; fi',
    `rm -f ${NFT_FILE} ${SYSCTL_FILE} ${MODULES_FILE} || fail files`,
    `held=$(apt-mark showhold 2>/dev/null | grep -x -e ${KUBE_PACKAGES.join(' -e ')} | tr '\\n' ' ')`,
    '[ -z "$held" ] || apt-mark unhold $held >/dev/null || fail unhold',
    `installed=$(dpkg-query -W -f='\${Package} \${Status}\\n' ${KUBE_PACKAGES.join(' ')} 2>/dev/null | awk '$NF == "installed" {print $1}' | tr '\\n' ' ')`,
    '[ -z "$installed" ] || DEBIAN_FRONTEND=noninteractive apt-get -y purge $installed >/dev/null 2>&1 || fail purge',
    `rm -f ${SOURCES_LIST} ${KEYRING} || fail apt-source`,
    'if [ -n "$failed" ]; then echo "provision: could not remove:$failed" >&2; exit 1; fi',
  ].join('\n');
}
