// Checks that the lab can run here (Linux, root, the system tools it drives) and names the apt-get command for what is missing.
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
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
  'systemd-container': '/usr/bin/systemd-nspawn',
  debootstrap: '/usr/sbin/debootstrap',
};

export function missingPackages(exists: (p: string) => boolean = existsSync): string[] {
  return Object.entries(REQUIRED_PACKAGES)
    .filter(([, file]) => !exists(file))
    .map(([pkg]) => pkg);
}

export function installCommand(pkgs: string[]): string {
  return `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
}

const POLICY_RC = '/usr/sbin/policy-rc.d';

/**
 * apt-get update, then install: with a policy-rc.d that says no (exit 101) for the duration, so a package such as
 * network-manager or haproxy never starts a service on this machine (removed after, unless it was there before).
 */
async function aptInstall(pkgs: string[]): Promise<void> {
  const ours = !existsSync(POLICY_RC);
  if (ours) {
    writeFileSync(POLICY_RC, '#!/bin/sh\n# provision lab --install-deps: no service starts while packages install\nexit 101\n');
    chmodSync(POLICY_RC, 0o755);
  }
  try {
    const env = { DEBIAN_FRONTEND: 'noninteractive', PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
    await run(['apt-get', 'update', '-qq'], { env });
    await run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env });
  } finally {
    if (ours) rmSync(POLICY_RC, { force: true });
  }
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
  await aptInstall(missing);
  const still = missingPackages();
  if (still.length) throw new UserError(`still missing after apt-get: ${still.join(', ')}`);
}
