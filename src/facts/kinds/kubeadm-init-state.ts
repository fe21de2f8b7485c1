// Fact kind `kubeadm-init-state`: was `kubeadm init` finished? admin.conf appears in init's kubeconfig phase, before the API is waited for, so an
// init that failed later leaves it behind: provision's own success marker, else the API's node list, decides.
import { ADMIN_CONF, INIT_CONFIG, INIT_DONE } from '../../cluster/paths.js';
import type { FactKind } from '../../core/types.js';

/** One probe line set: `done`, `none`, or `check` + `rc=N` + kubectl's last lines (only when the marker is missing). */
export const INIT_STATE_SCRIPT = [
  `if [ -f ${INIT_DONE} ]; then echo done;`,
  `elif [ -f ${ADMIN_CONF} ] && [ -f ${INIT_CONFIG} ]; then echo check;`,
  `out=$(timeout 8 kubectl --kubeconfig=${ADMIN_CONF} get nodes -o name 2>&1); echo "rc=$?"; printf '%s\\n' "$out" | tail -n 5;`,
  'else echo none; fi',
].join(' ');

export type InitState =
  /** provision saw kubeadm init exit 0 */
  | { kind: 'done' }
  /** no marker, and admin.conf or provision's init config missing: not an init provision started (adopted cluster, or none) */
  | { kind: 'unknown' }
  /** admin.conf and provision's init config, no marker: the API's answer */
  | { kind: 'checked'; nodes: string[]; ok: boolean; detail: string };

export function parseInitState(stdout: string): InitState {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines[0] === 'done') return { kind: 'done' };
  if (lines[0] !== 'check') return { kind: 'unknown' };
  const rc = Number(/^rc=(\d+)$/.exec(lines[1] ?? '')?.[1] ?? 1);
  const rest = lines.slice(2);
  const nodes = rc === 0 ? rest.filter((l) => l.startsWith('node/')).map((l) => l.slice(5)) : [];
  const detail = rc === 0 ? `nodes: ${nodes.join(', ') || 'none'}` : rc === 124 ? 'kubectl timed out' : (rest[rest.length - 1] ?? `kubectl exited ${rc}`);
  return { kind: 'checked', nodes, ok: rc === 0, detail: detail.slice(0, 200) };
}

export const kubeadmInitState: FactKind<undefined, InitState> = {
  name: 'kubeadm-init-state',
  about: "whether kubeadm init finished: provision's marker, else the API's node list when admin.conf is there",
  script: () => INIT_STATE_SCRIPT,
  parse: (out) => parseInitState(out.stdout),
  shown: () => undefined,
};
