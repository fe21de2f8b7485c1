// Which containerd fits a Kubernetes minor (containerd's RELEASES.md support matrix) and where to get one that does.
import type { KubeVersion } from '../../../cluster/version.js';

export interface ContainerdVersion {
  major: number;
  minor: number;
  patch: number;
}

/**
 * containerd's "Kubernetes Support" table (RELEASES.md, read 2026-12-01): per Kubernetes minor, the lowest patch of
 * each containerd minor it recommends. Lines newer than the table's newest (2.2+) fit; older lines (1.5-) do not.
 * Kubernetes minors before 1.30 use 1.30's row, after 1.33 the 1.33 row.
 */
const MATRIX: Record<number, Record<string, number>> = {
  30: { '1.6': 28, '1.7': 13, '2.0': 0, '2.1': 0 },
  31: { '1.6': 34, '1.7': 20, '2.0': 0, '2.1': 0 },
  32: { '1.6': 36, '1.7': 24, '2.0': 1, '2.1': 0 },
  33: { '1.6': 36, '1.7': 24, '2.0': 4, '2.1': 0 },
};

function rowFor(k: KubeVersion): Record<string, number> {
  return MATRIX[Math.min(33, Math.max(30, k.minor))]!;
}

/** "1.7.24+, 1.6.36+ or 2.0.1+" for messages. */
export function describeFloor(k: KubeVersion): string {
  return Object.entries(rowFor(k)).reverse().map(([line, patch]) => `${line}.${patch}+`).join(', ');
}

export function fitsKubernetes(v: ContainerdVersion, k: KubeVersion): boolean {
  const row = rowFor(k);
  const floor = row[`${v.major}.${v.minor}`];
  if (floor !== undefined) return v.patch >= floor;
  const newest = Object.keys(row).map((l) => l.split('.').map(Number) as [number, number]).reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a));
  return v.major > newest[0] || (v.major === newest[0] && v.minor > newest[1]);
}

/**
 * The version in `containerd --version` output or a Debian/Docker package version, undefined when unreadable.
 * "containerd github.com/containerd/containerd v1.7.24 88bf19b…", "containerd containerd.io 1.7.27 …",
 * ".../v2 v2.0.2 …", Debian's "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3",
 * package versions "1.6.20~ds1-1+b1", "1.7.27-1". A token must be a whole version, not a hash that starts with digits.
 */
export function parseContainerdVersion(text: string): ContainerdVersion | undefined {
  for (const token of text.trim().split(/\s+/)) {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:$|[~+-])/.exec(token);
    if (m) return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  }
  return undefined;
}

export const showVersion = (v: ContainerdVersion) => `${v.major}.${v.minor}.${v.patch}`;

/** Docker's apt repository, which ships containerd.io for Debian, Raspberry Pi OS (arm64: debian) and Ubuntu. */
export const DOCKER_KEYRING = '/etc/apt/keyrings/docker.asc';
export const DOCKER_SOURCES = '/etc/apt/sources.list.d/docker-containerd.list';

export function dockerRepo(os: { id: string; codename: string }): { url: string; key: string; suite: string } | undefined {
  const distro = os.id === 'ubuntu' ? 'ubuntu' : os.id === 'raspbian' ? 'raspbian' : os.id === 'debian' ? 'debian' : undefined;
  if (!distro || !/^[a-z]+$/.test(os.codename)) return undefined;
  const url = `https://download.docker.com/linux/${distro}`;
  return { url, key: `${url}/gpg`, suite: os.codename };
}

export function renderDockerSources(repo: { url: string; suite: string }): string {
  return [
    '# Managed by provision (containerd): containerd.io from Docker, because the distribution\'s containerd is too old for this Kubernetes.',
    `deb [signed-by=${DOCKER_KEYRING}] ${repo.url} ${repo.suite} stable`,
    '',
  ].join('\n');
}
