// Masks secret-shaped values (bootstrap tokens, certificate keys) in output of steps marked secret, so errors can still say why.

const PATTERNS: RegExp[] = [
  /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, // kubeadm bootstrap token
  /\b[0-9a-f]{64}\b/gi, // kubeadm certificate key (and any other 32-byte hex key)
  /(--(?:token|certificate-key|password)[= ])\S+/g,
  /((?:token|password|certificateKey|certificate-key)\s*[:=]\s*)\S+/gi,
];

/** Only stderr of a secret step is shown (tools print secrets on stdout); then every known secret shape is masked. */
export function redactSecretOutput(stderr: string): string {
  let out = stderr;
  for (const re of PATTERNS) out = out.replace(re, (m, keep?: string) => (typeof keep === 'string' && m.startsWith(keep) ? `${keep}<secret>` : '<secret>'));
  return out;
}
