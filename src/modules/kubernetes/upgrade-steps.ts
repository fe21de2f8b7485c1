// The shell each upgrade step runs (pure text; the upgrade verb executes it): on the node itself, or kubectl on the first control plane.
import { fetchKeyScript, KEYRING, renderSourcesList, SOURCES_LIST, updateOnly, type KubeRepo } from '../host-setup/kube-apt.js';
import type { UpgradeStep } from './upgrade-plan.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confold';

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
    'set -e',
    ...pkgs.map((p) => pickVersion(p, minor, patch)),
    `apt-mark unhold ${pkgs.join(' ')} >/dev/null`,
    `${APT} install --allow-change-held-packages ${pkgs.map((p) => `${p}="$v_${p.replace(/-/g, '_')}"`).join(' ')}`,
    `apt-mark hold ${pkgs.join(' ')}`,
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
      return `set -e\n${c.kubectl} drain ${q(c.node)} --ignore-daemonsets --delete-emptydir-data --timeout=${c.drainTimeoutSeconds}s`;
    case 'kubelet':
      return installHeld(['kubelet', 'kubectl'], c.minor, c.patch);
    case 'restart':
      return 'set -e\nsystemctl daemon-reload\nsystemctl restart kubelet';
    case 'uncordon':
      return `set -e\n${c.kubectl} uncordon ${q(c.node)}`;
  }
}
