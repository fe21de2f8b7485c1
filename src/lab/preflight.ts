// Checks that the lab can run here (Linux, root, the system tools it drives) and names the apt-get command for what is missing.
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
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
  bsdutils: '/usr/bin/script',
  'dpkg-dev': '/usr/bin/dpkg-deb',
  gpg: '/usr/bin/gpg',
  openssl: '/usr/bin/openssl',
  // lab up waits for its apt mirror with curl from the laptop namespace.
  curl: '/usr/bin/curl',
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

/** What --install-deps runs: the package lists first (a fresh machine has none, or stale ones), then the install. */
export function installSteps(pkgs: string[]): string[][] {
  return [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs]];
}

const POLICY_RC = '/usr/sbin/policy-rc.d';

/**
 * Runs fn with a policy-rc.d that says no (exit 101), so a package such as network-manager or haproxy never
 * starts a service on this machine while it installs (removed after, unless it was there before).
 */
async function withoutServiceStarts(fn: () => Promise<void>): Promise<void> {
  const ours = !existsSync(POLICY_RC);
  if (ours) {
    writeFileSync(POLICY_RC, '#!/bin/sh\n# provision lab --install-deps: no service starts while packages install\nexit 101\n');
    chmodSync(POLICY_RC, 0o755);
  }
  try {
    await fn();
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

/** The system seams of assertDependencies (tests replace them). */
export interface DependencyIo {
  exists?: (path: string) => boolean;
  exec?: (argv: string[], opts: { env: Record<string, string> }) => Promise<unknown>;
}

export async function assertDependencies(install: boolean, io: DependencyIo = {}): Promise<void> {
  const exists = io.exists ?? existsSync;
  const exec = io.exec ?? run;
  const missing = missingPackages(exists);
  if (missing.length === 0) return;
  if (!install) throw new UserError(`missing system packages: ${missing.join(', ')}`, 1, `run: ${installCommand(missing)}  (or pass --install-deps)`);
  const env = { DEBIAN_FRONTEND: 'noninteractive', PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  const installAll = async () => {
    for (const step of installSteps(missing)) await exec(step, { env });
  };
  // The seam (tests) runs the steps as given; on the machine, no service may start meanwhile.
  await (io.exec ? installAll() : withoutServiceStarts(installAll));
  const still = missingPackages(exists);
  if (still.length) throw new UserError(`still missing after apt-get: ${still.join(', ')}`);
}
