// Backups of kubeadm's stacked etcd, decided in pure code: file names, pruning, the scripts that take a snapshot with its
// PKI on one control plane and that restore it on every control plane (kubeadm's documented procedure), as text.
import type { Host, Inventory } from '../inventory/types.js';
import { quote } from '../core/command.js';
import { controlPlanes } from './cluster-shape.js';
import { ETCD_DATA_DIR, etcdctlInPod } from './etcd-members.js';
import { MANIFESTS_DIR } from './paths.js';

/** The PKI a rebuilt control plane needs to serve the restored data with the same identities (kubeadm's shared certs). */
export const BACKUP_PKI = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key'];
export const BACKUP_MANIFEST = 'provision-backup.json';
export const SNAPSHOT_ENTRY = 'etcd.db';
/** Where restore stages the backup on each control plane (root only). */
export const RESTORE_STAGE = '/var/lib/provision-restore';
const RESTORED_DIR = `${ETCD_DATA_DIR}.provision-restore`;
/** The static pods stopped during a restore, and where they wait (outside the manifests dir, so the kubelet stops them). */
const STOPPED_PODS = ['kube-apiserver', 'etcd'];
const STOPPED_DIR = '/etc/kubernetes/provision-restore-manifests';

export interface BackupManifest {
  cluster: string;
  takenAt: string;
  takenOn: string;
  kubernetes: string;
  format: 1;
}

/** `CLUSTER-20261202T031500Z.tar`: sorts by time, names the cluster. */
export function backupFileName(cluster: string, at: Date): string {
  return `${cluster}-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar`;
}

const STAMP = /^(.+)-(\d{8}T\d{6}Z)\.tar$/;

/** Of the files in a directory, this cluster's backups beyond the newest `keep` (oldest first): what --keep deletes. */
export function backupsToPrune(files: string[], cluster: string, keep: number): string[] {
  const mine = files.filter((f) => STAMP.exec(f)?.[1] === cluster).sort();
  return mine.slice(0, Math.max(0, mine.length - keep));
}

/** sha256sum's line for the file (what `sha256sum -c` reads). */
export const sha256Line = (hex: string, file: string): string => `${hex}  ${file}\n`;

export function parseSha256Line(text: string): string | undefined {
  return /^([0-9a-f]{64})\s/.exec(text.trim())?.[1];
}

/**
 * On one control plane, as root: the snapshot saved by etcdctl in its etcd pod into the pod's data hostPath, the PKI, the
 * manifest, as one tar on stdout in base64. Everything is 0600 (umask 077) and removed on exit, whatever happens.
 */
export function renderBackupScript(kubectl: string, host: Host, manifest: BackupManifest): string {
  return [
    'set -e',
    'umask 077',
    `d=$(mktemp -d ${ETCD_DATA_DIR}/provision-backup.XXXXXX)`,
    `trap 'rm -rf "$d"' EXIT`,
    'mkdir "$d/c"',
    `${etcdctlInPod(kubectl, host.name, ['snapshot', 'save'])} "$d/c/${SNAPSHOT_ENTRY}" >/dev/null`,
    `test -s "$d/c/${SNAPSHOT_ENTRY}" || { echo "provision: etcdctl wrote no snapshot" >&2; exit 1; }`,
    `for f in ${BACKUP_PKI.join(' ')}; do if [ -e "/etc/kubernetes/pki/$f" ]; then mkdir -p "$d/c/pki/$(dirname "$f")"; cp "/etc/kubernetes/pki/$f" "$d/c/pki/$f"; fi; done`,
    `printf '%s\\n' ${quote(JSON.stringify(manifest))} > "$d/c/${BACKUP_MANIFEST}"`,
    `chmod -R go-rwx "$d/c"`,
    // Into a file first: a failing tar must fail the script (a pipe would hide its status).
    `tar -C "$d/c" -cf "$d/backup.tar" ${BACKUP_MANIFEST} ${SNAPSHOT_ENTRY} $(cd "$d/c" && ls -d pki 2>/dev/null)`,
    'base64 -w0 "$d/backup.tar"',
  ].join('\n');
}

/** etcd's --initial-cluster for the restored members: every control plane of the inventory, by name and peer URL. */
export function initialCluster(inv: Inventory): string {
  return controlPlanes(inv).map((h) => `${h.name}=https://${h.address}:2380`).join(',');
}

/** Stage the uploaded tar (stdin) on a control plane: the snapshot extracted, root only. */
export function renderStageScript(): string {
  return ['set -e', 'umask 077', `rm -rf ${RESTORE_STAGE}`, `mkdir -p ${RESTORE_STAGE}`, `cat > ${RESTORE_STAGE}/backup.tar`, `tar -C ${RESTORE_STAGE} -xf ${RESTORE_STAGE}/backup.tar ${SNAPSHOT_ENTRY}`, `test -s ${RESTORE_STAGE}/${SNAPSHOT_ENTRY}`].join('\n');
}

/** The etcd image the control plane's static pod runs (etcdutl comes from it), read from its manifest; printed on stdout. */
export function renderEtcdImageProbe(): string {
  return `sed -n 's/^ *image: *\\([^ ]*\\) *$/\\1/p' ${MANIFESTS_DIR}/etcd.yaml ${STOPPED_DIR}/etcd.yaml 2>/dev/null | head -n 1`;
}

/** Step 1 on every control plane: the API server and etcd static pods stopped (manifests moved away), waited for. */
export function renderStopScript(): string {
  return [
    'set -e',
    `mkdir -p ${STOPPED_DIR}`,
    ...STOPPED_PODS.map((p) => `if [ -f ${MANIFESTS_DIR}/${p}.yaml ]; then mv ${MANIFESTS_DIR}/${p}.yaml ${STOPPED_DIR}/${p}.yaml; fi`),
    'i=0',
    `while timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6443' 2>/dev/null; do i=$((i+1)); [ $i -lt 90 ] || { echo "provision: the API server still answers on :6443 90 s after its manifest was moved away" >&2; exit 1; }; sleep 1; done`,
  ].join('\n');
}

/**
 * Step 2 on every control plane: etcdutl (from the etcd image, run by containerd's ctr) restores the snapshot into a fresh
 * data dir as this member of a new cluster; the old data dir is kept as /var/lib/etcd.before-restore-STAMP.
 */
export function renderRestoreScript(inv: Inventory, host: Host, image: string, stamp: string): string {
  return [
    'set -e',
    `rm -rf ${RESTORED_DIR}`,
    [
      `ctr -n k8s.io run --rm --net-host --mount type=bind,src=/var/lib,dst=/var/lib,options=rbind:rw ${quote(image)} provision-etcd-restore-${stamp.toLowerCase()}`,
      `etcdutl snapshot restore ${RESTORE_STAGE}/${SNAPSHOT_ENTRY} --data-dir ${RESTORED_DIR} --name ${quote(host.name)}`,
      `--initial-cluster ${quote(initialCluster(inv))} --initial-cluster-token ${quote(`${inv.cluster.name}-restore-${stamp}`)}`,
      `--initial-advertise-peer-urls ${quote(`https://${host.address}:2380`)}`,
    ].join(' '),
    `if [ -e ${ETCD_DATA_DIR} ]; then mv ${ETCD_DATA_DIR} ${ETCD_DATA_DIR}.before-restore-${stamp}; fi`,
    `mv ${RESTORED_DIR} ${ETCD_DATA_DIR}`,
    `chmod 0700 ${ETCD_DATA_DIR}`,
  ].join('\n');
}

/** Step 3 on every control plane: the static pods back, the kubelet restarted (kubeadm's guide), the stage removed. */
export function renderStartScript(): string {
  return [
    'set -e',
    ...STOPPED_PODS.map((p) => `if [ -f ${STOPPED_DIR}/${p}.yaml ]; then mv ${STOPPED_DIR}/${p}.yaml ${MANIFESTS_DIR}/${p}.yaml; fi`),
    `rmdir ${STOPPED_DIR} 2>/dev/null || true`,
    'systemctl restart kubelet',
    `rm -rf ${RESTORE_STAGE}`,
  ].join('\n');
}
