// When the kubelet stand-in reports its node's status: at once when there is news, else at the real kubelet's pace.

/** How often an unchanged status is sent again (the real kubelet's --node-status-update-frequency default). */
export const STATUS_EVERY_MS = 10_000;

/**
 * Whether a status is due: always when none was taken yet (or the last was refused), when its body changed, when the
 * kubeconfig it goes with changed (a new join), or when the last one is STATUS_EVERY_MS old.
 * last: { body, kc, at } of the last status the API server took, or undefined.
 */
export function statusDue(last, { body, kc, now }, everyMs = STATUS_EVERY_MS) {
  return !last || last.body !== body || last.kc !== kc || now - last.at >= everyMs;
}
