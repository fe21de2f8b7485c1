// Hides the machine's own Kubernetes packages (e.g. kubectl from google-cloud-sdk) from lab hosts, so hosts start like a fresh node.
import { existsSync, readFileSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Packages a fresh cluster node does not have; the lab's apt mirror provides them. */
export const FOREIGN_PACKAGES = ['kubectl', 'kubeadm', 'kubelet', 'containerd', 'containerd.io', 'cri-tools', 'kubernetes-cni', 'runc'];

/** The dpkg status file without the stanzas of these packages. */
export function withoutPackages(status: string, drop: string[]): { status: string; dropped: string[] } {
  const dropped: string[] = [];
  const kept = status.split(/\n\n+/).map((s) => s.trim()).filter((stanza) => {
    const name = /^Package: (\S+)/m.exec(stanza)?.[1];
    const arch = /^Architecture: (\S+)/m.exec(stanza)?.[1];
    if (name && drop.includes(name)) {
      dropped.push(arch && arch !== 'all' ? `${name}:${arch}` : name);
      return false;
    }
    return stanza !== '';
  });
  return { status: kept.join('\n\n') + '\n', dropped };
}

function realParent(root: string, f: string): string {
  try {
    const parent = realpathSync(root + dirname(f)).slice(root.length);
    return `${parent === '/' ? '' : parent}/${basename(f)}`;
  } catch {
    return f;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface DpkgScrub {
  status?: string;
  /** Files to whiteout in each host: the packages' files and their /var/lib/dpkg/info entries. */
  hide: string[];
}

/** Computes once what every host must not see of the machine's foreign packages. */
export function planDpkgScrub(root = ''): DpkgScrub {
  const statusFile = `${root}/var/lib/dpkg/status`;
  if (!existsSync(statusFile)) return { hide: [] };
  const { status, dropped } = withoutPackages(readFileSync(statusFile, 'utf8'), FOREIGN_PACKAGES);
  if (dropped.length === 0) return { hide: [] };
  const hide: string[] = [];
  for (const pkg of dropped) {
    const base = pkg.split(':')[0]!;
    for (const name of [pkg, base]) {
      for (const ext of ['list', 'md5sums', 'postinst', 'prerm', 'postrm', 'preinst', 'conffiles']) {
        const info = `/var/lib/dpkg/info/${name}.${ext}`;
        if (!existsSync(root + info)) continue;
        hide.push(info);
        if (ext !== 'list') continue;
        for (const f of readFileSync(root + info, 'utf8').split('\n')) {
          if (!f) continue;
          try {
            // A directory, or a link to one (usrmerge's /lib -> usr/lib in a package's list), is shared: never hidden.
            const st = lstatSync(root + f);
            // Hidden at its real path: a whiteout under /lib (a link to usr/lib) would make /lib a directory of its own.
            if (!st.isDirectory() && !(st.isSymbolicLink() && isDir(root + f))) hide.push(realParent(root, f));
          } catch {
            /* listed but absent */
          }
        }
      }
    }
  }
  return { status, hide: [...new Set(hide)] };
}
