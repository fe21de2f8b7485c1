// HTTPS client of the API stand-in (over the lab network, names from the host's /etc/hosts), and kubeconfig read/write.
import { request } from 'node:https';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** {status, body} — rejects on network errors with the message kubeadm/kubectl would show. */
export function call({ server, path, method = 'GET', body, ca, cert, key, token, timeoutMs = 10000, insecure = false }) {
  const url = new URL(path, server);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      ca, cert, key,
      rejectUnauthorized: !insecure,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      timeout: timeoutMs,
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => {
        let parsed;
        try { parsed = JSON.parse(data); } catch { parsed = data; }
        resolve({ status: res.statusCode, body: parsed, cert: res.socket?.getPeerCertificate?.() });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`dial tcp ${url.host}: i/o timeout`), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(new Error(`Get "${url.href}": ${describe(e, url)}`)));
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

function describe(e, url) {
  switch (e.code) {
    case 'ECONNREFUSED': return `dial tcp ${url.host}: connect: connection refused`;
    case 'EHOSTUNREACH': return `dial tcp ${url.host}: connect: no route to host`;
    case 'ENETUNREACH': return `dial tcp ${url.host}: connect: network is unreachable`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `dial tcp: lookup ${url.hostname}: no such host`;
    case 'ECONNRESET': return 'EOF';
    default: return e.message;
  }
}

const b64 = (s) => Buffer.from(s).toString('base64');
const unb64 = (s) => (s ? Buffer.from(s, 'base64').toString('utf8') : undefined);

export function kubeconfigText({ cluster, server, caPem, user, certPem, keyPem, token }) {
  const u = token ? `    token: ${token}` : `    client-certificate-data: ${b64(certPem)}\n    client-key-data: ${b64(keyPem)}`;
  return `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${b64(caPem)}\n    server: ${server}\n  name: ${cluster}\ncontexts:\n- context:\n    cluster: ${cluster}\n    user: ${user}\n  name: ${user}@${cluster}\ncurrent-context: ${user}@${cluster}\nkind: Config\npreferences: {}\nusers:\n- name: ${user}\n  user:\n${u}\n`;
}

export function writeKubeconfig(path, opts, mode = 0o600) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigText(opts), { mode });
}

export async function readKubeconfig(path) {
  const { parse } = await import('yaml');
  const doc = parse(readFileSync(path, 'utf8'));
  const ctxName = doc['current-context'];
  const ctx = (doc.contexts ?? []).find((c) => c.name === ctxName)?.context ?? doc.contexts?.[0]?.context ?? {};
  const cl = (doc.clusters ?? []).find((c) => c.name === ctx.cluster)?.cluster ?? doc.clusters?.[0]?.cluster ?? {};
  const us = (doc.users ?? []).find((u) => u.name === ctx.user)?.user ?? doc.users?.[0]?.user ?? {};
  return {
    server: cl.server,
    ca: unb64(cl['certificate-authority-data']) ?? (cl['certificate-authority'] ? readFileSync(cl['certificate-authority'], 'utf8') : undefined),
    insecure: Boolean(cl['insecure-skip-tls-verify']),
    cert: unb64(us['client-certificate-data']) ?? (us['client-certificate'] ? readFileSync(us['client-certificate'], 'utf8') : undefined),
    key: unb64(us['client-key-data']) ?? (us['client-key'] ? readFileSync(us['client-key'], 'utf8') : undefined),
    token: us.token,
  };
}

/** The lab's admin client (for replication and kubeadm's admin calls), from the local pki. */
export function localAdmin() {
  const PKI = '/etc/kubernetes/pki';
  return { ca: readFileSync(`${PKI}/ca.crt`, 'utf8'), cert: readFileSync(`${PKI}/lab-admin.crt`, 'utf8'), key: readFileSync(`${PKI}/lab-admin.key`, 'utf8') };
}
