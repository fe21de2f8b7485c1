// The shell each upgrade step runs (pure text; the upgrade verb executes it): on the node itself, or kubectl on the first control plane.
import { fetchKeyScript, KEYRING, renderSourcesList, SOURCES_LIST, updateOnly, type KubeRepo } from '../modules/cluster/host-setup/kube-apt.js';
import type { UpgradeStep } from './upgrade-plan.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// A run killed mid-install may leave apt still running (the lock: wait for it) or dpkg interrupted (finish it first).
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold';
const DPKG_RESUME = 'n=0; while [ -n "$(dpkg --audit 2>/dev/null)" ] && [ $n -lt 60 ]; do DEBIAN_FRONTEND=noninteractive dpkg --configure -a && break; n=$((n+1)); sleep 2; done';

/** The newest version of `pkg` in the minor (apt-cache madison lists the candidates, newest first), or a clear error. */
function pickVersion(pkg: string, minor: number, patch?: number): string {
  const prefix = `1.${minor}.${patch !== undefined ? `${patch}-` : ''}`;
  return [
    `v_${pkg}=$(apt-cache madison ${pkg} | awk -F'|' -v p=${q(prefix)} '{gsub(/ /,"",$2)} index($2,p)==1 {print $2; exit}')`,
    `[ -n "$v_${pkg}" ] || { echo "provision: no ${pkg} ${prefix}* in the configured repository (apt-cache madison ${pkg})" >&2; exit 1; }`,
  ].join('\n');
}

function installHeld(pkgs: string[], minor: number, patch?: number): string {
  return [
    DPKG_RESUME,
    'set -e',
    ...pkgs.map((p) => pickVersion(p, minor, patch)),
    `apt-mark unhold ${pkgs.join(' ')} >/dev/null`,
    `${APT} install --allow-change-held-packages ${pkgs.map((p) => `${p}="$v_${p.replace(/-/g, '_')}"`).join(' ')}`,
    `apt-mark hold ${pkgs.join(' ')}`,
  ].join('\n');
}

/**
 * kubectl through the first control plane, retried while its API server does not answer (it restarts after
 * `kubeadm upgrade apply` and, with its kubelet, during that node's own upgrade); any other error fails at once.
 */
function kubectlRetrying(command: string): string {
  return [
    'set -e',
    'i=0',
    `until out=$(${command} 2>&1); do`,
    '  case "$out" in',
    `    *"connection to the server"*|*"connection refused"*|*"ServiceUnavailable"*) i=$((i+1)); if [ $i -ge 60 ]; then printf '%s\\n' "$out" >&2; exit 1; fi; sleep 2;;`,
    `    *) printf '%s\\n' "$out" >&2; exit 1;;`,
    '  esac',
    'done',
    `printf '%s\\n' "$out"`,
  ].join('\n');
}

export interface StepContext {
  minor: number;
  patch?: number;
  repo: KubeRepo;
  /** The node being upgraded (for kubectl steps run elsewhere). */
  node: string;
  /** kubectl with admin.conf on the first control plane. */
  kubectl: string;
  drainTimeoutSeconds: number;
}

/** Where a step runs: on the node, or through kubectl on the first control plane. */
export function stepRunsOnFirst(step: UpgradeStep): boolean {
  return step === 'drain' || step === 'uncordon';
}

/** The script for a step; `wait-ready` is polled by the verb (no script). */
export function stepScript(step: Exclude<UpgradeStep, 'wait-ready'>, c: StepContext): string {
  switch (step) {
    case 'repo':
      return ['set -e', fetchKeyScript(c.repo, KEYRING), `cat > ${SOURCES_LIST}.tmp <<'PROVISION_EOF'\n${renderSourcesList(c.repo)}PROVISION_EOF`, `chmod 0644 ${SOURCES_LIST}.tmp`, `mv -f ${SOURCES_LIST}.tmp ${SOURCES_LIST}`, `DEBIAN_FRONTEND=noninteractive ${updateOnly(SOURCES_LIST).map(q).join(' ')}`].join('\n');
    case 'kubeadm':
      return installHeld(['kubeadm'], c.minor, c.patch);
    case 'plan':
      return 'set -e\nkubeadm upgrade plan "$(kubeadm version -o short)"';
    case 'apply':
      return 'set -e\nkubeadm upgrade apply --yes "$(kubeadm version -o short)"';
    case 'upgrade-node':
      return 'set -e\nkubeadm upgrade node';
    case 'drain':
      return kubectlRetrying(`${c.kubectl} drain ${q(c.node)} --ignore-daemonsets --delete-emptydir-data --timeout=${c.drainTimeoutSeconds}s`);
    case 'kubelet':
      return installHeld(['kubelet', 'kubectl'], c.minor, c.patch);
    case 'restart':
      return 'set -e\nsystemctl daemon-reload\nsystemctl restart kubelet';
    case 'uncordon':
      return kubectlRetrying(`${c.kubectl} uncordon ${q(c.node)}`);
  }
}
