// Fact kind `containerd`: the installed containerd's own version, apt's candidates for both packages, the OS codename.
import type { FactKind } from '../../core/types.js';

/**
 * The binary's own report (first line), apt's candidates for both packages in ONE apt-cache call, and the OS (for
 * Docker's repository path), with builtins around two processes. The candidates matter only while neither package is
 * installed (the containerd module reads them for an install): when dpkg has a file list for one, apt is not asked.
 */
export const VERSION_SCRIPT = [
  'if command -v containerd >/dev/null 2>&1; then v=; read -r v <<PROVISION_VERSION_END',
  '$(containerd --version 2>/dev/null)',
  'PROVISION_VERSION_END',
  '  echo "installed=$v"',
  'fi',
  'if [ ! -e /var/lib/dpkg/info/containerd.list ] && [ ! -e /var/lib/dpkg/info/containerd.io.list ]; then',
  '  p=; while read -r k v; do case $k in containerd:|containerd.io:) p=${k%:};; Candidate:) [ -n "$p" ] && echo "candidate-$p=$v";; esac; done <<PROVISION_APT_END',
  '$(apt-cache policy containerd containerd.io 2>/dev/null)',
  'PROVISION_APT_END',
  'fi',
  'i=; c=; while IFS== read -r k v; do v=${v#[\\"\\\']}; v=${v%[\\"\\\']}; case $k in ID) i=$v;; VERSION_CODENAME) c=$v;; esac; done < /etc/os-release 2>/dev/null',
  'echo "os=$i $c"',
].join('\n');

export interface ContainerdProbe {
  installed?: string;
  candidates: { containerd?: string; 'containerd.io'?: string };
  os: { id: string; codename: string };
}

export function parseContainerdProbe(stdout: string): ContainerdProbe {
  const out: ContainerdProbe = { candidates: {}, os: { id: '', codename: '' } };
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'installed' && value) out.installed = value;
    else if ((key === 'candidate-containerd' || key === 'candidate-containerd.io') && value && value !== '(none)') out.candidates[key.slice(10) as 'containerd'] = value;
    else if (key === 'os') {
      const [id = '', codename = ''] = value.split(/\s+/);
      out.os = { id, codename };
    }
  }
  return out;
}

export const containerdFact: FactKind<undefined, ContainerdProbe> = {
  name: 'containerd',
  about: "containerd --version, apt's candidates for containerd and containerd.io (when neither is installed), the OS id and codename",
  script: () => VERSION_SCRIPT,
  parse: (out) => parseContainerdProbe(out.stdout),
  shown: () => undefined,
};
