// The values a healthy control plane produces for joining nodes: a bootstrap token (+ CA hash) and a certificate key.
import type { Provider } from '../../../core/types.js';
import type { Inventory } from '../../../inventory/types.js';
import { Secret } from '../../../core/secret.js';
import { shell } from '../../../core/command.js';
import { controlPlanes } from '../../../cluster/cluster-shape.js';
import { ADMIN_CONF } from '../../../cluster/paths.js';
import { CERT_KEY_PROVIDER, TOKEN_PROVIDER } from '../../../cluster/provider-names.js';

/** Healthy = initialised (admin.conf) and its API answers (the node list is readable). */
const READY = shell(`test -f ${ADMIN_CONF} && kubectl --kubeconfig ${ADMIN_CONF} get nodes >/dev/null 2>&1`, { sudo: true });

/** Control planes in inventory order: the first one is the init node, so it is tried first. */
function candidates(inv: Inventory): string[] {
  return controlPlanes(inv).map((h) => h.name);
}

export interface JoinCommandParts {
  endpoint: string;
  token: string;
  caCertHash: string;
}

/** Parses `kubeadm join ENDPOINT --token T --discovery-token-ca-cert-hash sha256:H [...]` (the last such line). */
export function parseJoinCommand(stdout: string): JoinCommandParts {
  const line = stdout
    .split('\n')
    .map((l) => l.replace(/\\$/, '').trim())
    .filter((l) => l.startsWith('kubeadm join '))
    .pop();
  const endpoint = line?.split(/\s+/)[2];
  const token = /--token\s+([a-z0-9]{6}\.[a-z0-9]{16})(\s|$)/.exec(line ?? '')?.[1];
  const hash = /--discovery-token-ca-cert-hash\s+(sha256:[a-f0-9]{64})(\s|$)/.exec(line ?? '')?.[1];
  // Never echo the output: it holds the token.
  if (!line || !endpoint || !token || !hash) throw new Error('kubeadm token create printed no usable join command (expected endpoint, --token and --discovery-token-ca-cert-hash sha256:...)');
  return { endpoint, token, caCertHash: hash };
}

/** The certificate key is the last non-empty line of `kubeadm init phase upload-certs --upload-certs`. */
export function parseCertificateKey(stdout: string): string {
  const last = stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
  if (!/^[a-f0-9]{64}$/.test(last)) throw new Error('kubeadm init phase upload-certs printed no certificate key on its last line (expected 64 hex digits)');
  return last;
}

export const tokenProvider: Provider = {
  name: TOKEN_PROVIDER,
  candidates,
  ready: READY,
  readyMeans: "needs an initialised control plane whose API answers: admin.conf present and kubectl get nodes working",
  // A short-lived token: it only has to outlive this run.
  command: { argv: ['kubeadm', 'token', 'create', '--print-join-command', '--ttl', '30m'], sudo: true },
  parse(stdout) {
    const p = parseJoinCommand(stdout);
    return { endpoint: new Secret(p.endpoint), token: new Secret(p.token), caCertHash: new Secret(p.caCertHash) };
  },
};

export const certificateKeyProvider: Provider = {
  name: CERT_KEY_PROVIDER,
  candidates,
  ready: READY,
  readyMeans: "needs an initialised control plane whose API answers: admin.conf present and kubectl get nodes working",
  command: { argv: ['kubeadm', 'init', 'phase', 'upload-certs', '--upload-certs'], sudo: true },
  parse(stdout) {
    return { key: new Secret(parseCertificateKey(stdout)) };
  },
};

export const joinProviders: Provider[] = [tokenProvider, certificateKeyProvider];
