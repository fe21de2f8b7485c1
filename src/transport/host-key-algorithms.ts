// Which host key algorithms to offer, in OpenSSH's order, those known_hosts has a key for first (order_hostkeyalgs).
/** OpenSSH 9's default HostKeyAlgorithms, limited to what ssh2 can verify (no certificates, no security keys). */
export const OPENSSH_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];

/** What ssh2 implements as a server host key algorithm. */
const SSH2_CAN = new Set([...OPENSSH_HOST_KEY_ALGORITHMS, 'ssh-rsa', 'ssh-dss']);

/** The key type stored in known_hosts for each signature algorithm. */
export function keyTypeOfAlgorithm(alg: string): string {
  return alg.startsWith('rsa-sha2-') ? 'ssh-rsa' : alg;
}

/**
 * The full list for ssh2's algorithms.serverHostKey (a list replaces ssh2's default; `prepend` would not move names
 * already in it). `configured` is ssh -G's hostkeyalgorithms (the user's HostKeyAlgorithms or OpenSSH's default);
 * algorithms whose key type is in `knownTypes` come first, each group keeping the configured order.
 */
export function orderHostKeyAlgorithms(configured: string[] | undefined, knownTypes: string[]): string[] {
  const usable = (configured ?? []).filter((a) => SSH2_CAN.has(a));
  const base = usable.length > 0 ? usable : OPENSSH_HOST_KEY_ALGORITHMS;
  const known = new Set(knownTypes);
  return [...base.filter((a) => known.has(keyTypeOfAlgorithm(a))), ...base.filter((a) => !known.has(keyTypeOfAlgorithm(a)))];
}
