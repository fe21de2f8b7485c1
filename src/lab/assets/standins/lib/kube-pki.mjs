// Certificates for the Kubernetes stand-ins, made with the host's openssl: a cluster CA, API server and client certs, the CA pin.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';

const PKI = '/etc/kubernetes/pki';

function openssl(args, what) {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl (${what}) failed: ${r.stderr}`);
}

export function createCa() {
  mkdirSync(PKI, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${PKI}/ca.key`, '-out', `${PKI}/ca.crt`, '-days', '3650', '-subj', '/CN=kubernetes', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], 'ca');
}

/** A leaf signed by the cluster CA; sans like ['DNS:kubernetes', 'IP:10.0.0.1']. */
export function issue(name, subject, { sans = [], client = false, days = Number(process.env.LAB_KUBEADM_CERT_DAYS ?? 365) } = {}) {
  // LAB_KUBEADM_CERT_DAYS (fault file): certificates that expire soon, to prove the warnings and `certs renew`.
  const tmp = `/tmp/lab-pki-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${PKI}/${name}.key`, '-out', `${tmp}/csr`, '-subj', subject], `${name} key`);
    const ext = [client ? 'extendedKeyUsage=clientAuth' : 'extendedKeyUsage=serverAuth', ...(sans.length ? [`subjectAltName=${sans.join(',')}`] : [])].join('\n');
    writeFileSync(`${tmp}/ext`, `${ext}\n`);
    openssl(['x509', '-req', '-in', `${tmp}/csr`, '-CA', `${PKI}/ca.crt`, '-CAkey', `${PKI}/ca.key`, '-CAcreateserial', '-out', `${PKI}/${name}.crt`, '-days', String(days), '-extfile', `${tmp}/ext`], `${name} cert`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(`${PKI}/ca.srl`, { force: true });
  }
  const out = { cert: readFileSync(`${PKI}/${name}.crt`, 'utf8'), key: readFileSync(`${PKI}/${name}.key`, 'utf8') };
  if (name.startsWith('lab-renew-')) { rmSync(`${PKI}/${name}.crt`, { force: true }); rmSync(`${PKI}/${name}.key`, { force: true }); }
  return out;
}

/** kubeadm's --discovery-token-ca-cert-hash: sha256 of the CA's SubjectPublicKeyInfo. */
export function caHash(pem) {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

export function readPki(name) {
  const p = `${PKI}/${name}`;
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

export function apiServerSans({ endpointHost, address, vip }) {
  const sans = new Set(['DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:localhost', 'IP:127.0.0.1', `IP:${address}`]);
  for (const h of [endpointHost, vip]) if (h) sans.add(/^[0-9.]+$/.test(h) ? `IP:${h}` : `DNS:${h}`);
  return [...sans];
}

export { PKI };
