// Checks that the lab can run here (Linux, root, the system tools it drives) and names the apt-get command for what is missing.
import { existsSync } from 'node:fs';
import { UserError } from '../cli/errors.js';
import { run } from './sh.js';

/** Debian package → a file that proves it is installed. */
export const REQUIRED_PACKAGES: Record<string, string> = {
  'openssh-server': '/usr/sbin/sshd',
  'openssh-client': '/usr/bin/ssh-keygen',
  iproute2: '/usr/sbin/ip',
  nftables: '/usr/sbin/nft',
  haproxy: '/usr/sbin/haproxy',
  sudo: '/usr/bin/sudo',
  'util-linux': '/usr/bin/unshare',
  'dpkg-dev': '/usr/bin/dpkg-deb',
  gpg: '/usr/bin/gpg',
  openssl: '/usr/bin/openssl',
};

export function missingPackages(exists: (p: string) => boolean = existsSync): string[] {
  return Object.entries(REQUIRED_PACKAGES)
    .filter(([, file]) => !exists(file))
    .map(([pkg]) => pkg);
}

export function installCommand(pkgs: string[]): string {
  return `apt-get install -y ${pkgs.join(' ')}`;
}

export interface PlatformFacts {
  platform: string;
  uid: number | undefined;
}

/** The one-line reason the lab cannot run on this platform, or undefined. */
export function platformProblem(f: PlatformFacts): string | undefined {
  if (f.platform !== 'linux') return `the lab needs Linux (network namespaces, overlayfs); this is ${f.platform}`;
  if (f.uid !== 0) return 'the lab needs root (it creates network namespaces and mounts); run it with sudo';
  return undefined;
}

export function assertPlatform(): void {
  const problem = platformProblem({ platform: process.platform, uid: process.getuid?.() });
  if (problem) throw new UserError(problem);
}

export async function assertDependencies(install: boolean): Promise<void> {
  const missing = missingPackages();
  if (missing.length === 0) return;
  if (!install) throw new UserError(`missing system packages: ${missing.join(', ')}`, 1, `run: ${installCommand(missing)}  (or pass --install-deps)`);
  await run(['apt-get', 'install', '-y', ...missing], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
  const still = missingPackages();
  if (still.length) throw new UserError(`still missing after apt-get: ${still.join(', ')}`);
}
