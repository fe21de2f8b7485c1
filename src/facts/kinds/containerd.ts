// Fact kind `containerd`: the installed containerd's own version, apt's candidates for both packages, the OS codename.
import type { FactKind } from '../../core/types.js';

/** The binary's own report, apt's candidates for both packages, and the OS (for Docker's repository path). */
export const VERSION_SCRIPT = [
  'command -v containerd >/dev/null 2>&1 && echo "installed=$(containerd --version 2>/dev/null | head -n 1)"',
  'for p in containerd containerd.io; do echo "candidate-$p=$(apt-cache policy "$p" 2>/dev/null | sed -n \'s/^ *Candidate: //p\')"; done',
  '( . /etc/os-release 2>/dev/null; echo "os=${ID:-} ${VERSION_CODENAME:-}" )',
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
  about: "containerd --version, apt's candidates for containerd and containerd.io, the OS id and codename",
  script: () => VERSION_SCRIPT,
  parse: (out) => parseContainerdProbe(out.stdout),
  shown: () => undefined,
};
