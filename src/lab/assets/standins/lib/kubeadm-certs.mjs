// kubeadm certs check-expiration / renew for the lab stand-in: real certificates read with node:crypto, re-issued with openssl, kubeadm's table.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { issue, PKI } from './kube-pki.mjs';

const K = '/etc/kubernetes';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n) => String(n).padStart(2, '0');
/** Go layout "Jan 02, 2006 15:04 MST", as kubeadm prints it. */
const kubeadmDate = (d) => `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())}, ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())} UTC`;
/** kubeadm's residual time: "364d", "9y", "<invalid>" once expired. */
function residual(d) {
  const s = (d.getTime() - Date.now()) / 1000;
  if (s <= 0) return '<invalid>';
  const days = Math.floor(s / 86400);
  return days >= 365 * 2 ? `${Math.floor(days / 365)}y` : days >= 1 ? `${days}d` : `${Math.floor(s / 3600)}h`;
}

/** The kubeconfig files whose embedded client certificate kubeadm manages, with the subject the lab issues. */
const KUBECONFIGS = [
  ['admin.conf', '/O=kubeadm:cluster-admins/CN=kubernetes-admin'],
  ['controller-manager.conf', '/O=kubeadm:cluster-admins/CN=kubernetes-admin'],
  ['scheduler.conf', '/O=kubeadm:cluster-admins/CN=kubernetes-admin'],
  ['super-admin.conf', '/O=system:masters/CN=kubernetes-super-admin'],
];

function embeddedCert(file) {
  const m = /client-certificate-data:\s*(\S+)/.exec(readFileSync(file, 'utf8'));
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : undefined;
}

function rows() {
  const out = [];
  for (const [file] of KUBECONFIGS) {
    if (!existsSync(`${K}/${file}`)) continue;
    const pem = embeddedCert(`${K}/${file}`);
    if (pem) out.push([file, new Date(new X509Certificate(pem).validTo)]);
  }
  if (existsSync(`${PKI}/apiserver.crt`)) out.push(['apiserver', new Date(new X509Certificate(readFileSync(`${PKI}/apiserver.crt`)).validTo)]);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

export function checkExpiration(out) {
  if (!existsSync(`${PKI}/ca.crt`) || !existsSync(`${K}/admin.conf`)) {
    process.stderr.write(`error execution phase check-expiration: failed to load admin kubeconfig: open ${K}/admin.conf: no such file or directory\n`);
    return false;
  }
  const pad = (s, n) => String(s).padEnd(n);
  out('[check-expiration] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out("[check-expiration] Use 'kubeadm init phase upload-config --config your-config-file' to re-upload it.\n");
  out(`${pad('CERTIFICATE', 27)}${pad('EXPIRES', 25)}${pad('RESIDUAL TIME', 16)}${pad('CERTIFICATE AUTHORITY', 24)}EXTERNALLY MANAGED`);
  for (const [name, d] of rows()) out(`${pad(name, 27)}${pad(kubeadmDate(d), 25)}${pad(residual(d), 16)}${pad('ca', 24)}no      `);
  const ca = new Date(new X509Certificate(readFileSync(`${PKI}/ca.crt`)).validTo);
  out(`\n${pad('CERTIFICATE AUTHORITY', 24)}${pad('EXPIRES', 25)}${pad('RESIDUAL TIME', 16)}EXTERNALLY MANAGED`);
  out(`${pad('ca', 24)}${pad(kubeadmDate(ca), 25)}${pad(residual(ca), 16)}no      `);
  return true;
}

/** The API server's SANs as openssl wants them, read from the current certificate ("IP Address:" → "IP:"). */
function currentSans() {
  const alt = new X509Certificate(readFileSync(`${PKI}/apiserver.crt`)).subjectAltName ?? '';
  return alt.split(/,\s*/).filter(Boolean).map((s) => s.replace(/^IP Address:/, 'IP:'));
}

/** Re-issues every leaf kubeadm manages on this control plane (same subjects and SANs, from now), like `kubeadm certs renew all`. */
export function renewAll(out, days = 365) {
  if (!existsSync(`${PKI}/ca.key`)) {
    process.stderr.write(`error: failed to renew certificates: open ${PKI}/ca.key: no such file or directory\n`);
    return false;
  }
  out('[renew] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...\n');
  for (const [file, subject] of KUBECONFIGS) {
    if (!existsSync(`${K}/${file}`)) continue;
    const { cert, key } = issue(`lab-renew-${file}`, subject, { client: true, days });
    const b = (s) => Buffer.from(s).toString('base64');
    const text = readFileSync(`${K}/${file}`, 'utf8').replace(/(client-certificate-data:\s*)\S+/, `$1${b(cert)}`).replace(/(client-key-data:\s*)\S+/, `$1${b(key)}`);
    writeFileSync(`${K}/${file}`, text, { mode: 0o600 });
    out(`certificate embedded in the kubeconfig file for ${file === 'admin.conf' ? 'the admin to use and for kubeadm itself' : file.replace('.conf', '')} renewed`);
  }
  if (existsSync(`${PKI}/apiserver.crt`)) {
    issue('apiserver', '/CN=kube-apiserver', { sans: currentSans(), days });
    out('certificate for serving the Kubernetes API renewed');
  }
  out('\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, kube-scheduler and etcd, so that they can use the new certificates.');
  return true;
}
