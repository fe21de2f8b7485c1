// Fact kind `containerd`: an unpackaged containerd's own version and apt's candidates for both packages.
import type { Facts, FactKind } from '../../core/types.js';

/**
 * When neither package is installed: the binary's own report (first line; a containerd from a tarball has no other
 * word) and apt's candidates for both packages in ONE apt-cache call (the containerd module reads them for an
 * install). When dpkg has a file list for one, neither process runs: the package's version (the probe's packages
 * batch) is the installed version (containerdVersionText). The OS (Docker's repository path) is base's os-release.
 */
export const VERSION_SCRIPT = [
  'if [ ! -e /var/lib/dpkg/info/containerd.list ] && [ ! -e /var/lib/dpkg/info/containerd.io.list ]; then',
  '  if command -v containerd >/dev/null 2>&1; then v=; read -r v <<PROVISION_VERSION_END',
  '$(containerd --version 2>/dev/null)',
  'PROVISION_VERSION_END',
  '    echo "installed=$v"',
  '  fi',
  '  p=; while read -r k v; do case $k in containerd:|containerd.io:) p=${k%:};; Candidate:) [ -n "$p" ] && echo "candidate-$p=$v";; esac; done <<PROVISION_APT_END',
  '$(apt-cache policy containerd containerd.io 2>/dev/null)',
  'PROVISION_APT_END',
  'fi',
].join('\n');

export interface ContainerdProbe {
  installed?: string;
  candidates: { containerd?: string; 'containerd.io'?: string };
}

export function parseContainerdProbe(stdout: string): ContainerdProbe {
  const out: ContainerdProbe = { candidates: {} };
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'installed' && value) out.installed = value;
    else if ((key === 'candidate-containerd' || key === 'candidate-containerd.io') && value && value !== '(none)') out.candidates[key.slice(10) as 'containerd'] = value;
  }
  return out;
}

/** The packages that install containerd (the distribution's, Docker's). */
export const CONTAINERD_PACKAGES = ['containerd', 'containerd.io'] as const;

/**
 * The installed containerd's version text: the installed package's version, else the binary's own report (no
 * package: the fact asked the binary). Read with the fact and both packages declared.
 */
export function containerdVersionText(facts: Facts): string | undefined {
  const pkg = CONTAINERD_PACKAGES.find((n) => facts.package(n).installed);
  return pkg ? facts.package(pkg).version : facts.fact(containerdFact, undefined).installed;
}

export const containerdFact: FactKind<undefined, ContainerdProbe> = {
  name: 'containerd',
  about: "when no containerd package is installed: containerd --version and apt's candidates for containerd and containerd.io",
  script: () => VERSION_SCRIPT,
  parse: (out) => parseContainerdProbe(out.stdout),
  shown: () => undefined,
};
