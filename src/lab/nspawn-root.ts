// Writes an nspawn host's own layer (its overlay upper dir over the base root) before its first boot: identity, login
// user, sshd, apt sources, its network stack, and the stand-ins for what is global to the machine's kernel.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { LabHostPlan, LabPlan } from './plan.js';
import { freeUid, IN_HOST_STANDINS, mkdirLike, put, shimScript, sshdConfig, STANDINS, withUser, type LoginUser } from './host-root.js';
import { installLinks, stackFiles, type Stack } from './stacks.js';
import { run } from './sh.js';

export const LAB_KERNEL_UNIT = [
  '[Unit]',
  'Description=provision lab: swap, kernel modules and sysctl.d of this host (stand-ins; the kernel is the machine\'s)',
  'DefaultDependencies=no',
  'After=local-fs.target',
  'Before=sysinit.target network-pre.target shutdown.target',
  'Wants=network-pre.target',
  'Conflicts=shutdown.target',
  '',
  '[Service]',
  'Type=oneshot',
  'RemainAfterExit=yes',
  `ExecStart=/usr/bin/node ${IN_HOST_STANDINS}/kernel-boot.mjs`,
  '',
  '[Install]',
  'WantedBy=sysinit.target',
  '',
].join('\n');

export interface NspawnRootOptions {
  plan: LabPlan;
  host: LabHostPlan;
  upper: string;
  /** The base root (read-only lower layer). */
  base: string;
  stack: Stack;
  clientPublicKey: string;
  sudoHash?: string;
  aptKeyring: Buffer;
  aptBaseUrl: string;
  sshdOptions?: string[];
}

/** Enables units in the upper dir as `systemctl enable` would (symlinks from their [Install] sections). */
export function enableUnits(upper: string, base: string, units: string[]): void {
  const read = (u: string) => {
    for (const dir of ['/etc/systemd/system', '/lib/systemd/system']) {
      for (const root of [upper, base]) if (existsSync(`${root}${dir}/${u}`)) return readFileSync(`${root}${dir}/${u}`, 'utf8');
    }
    return undefined;
  };
  for (const u of units) {
    for (const { link, target } of installLinks(u, read)) {
      mkdirLike(upper, dirname(link), base);
      if (isLink(upper + link)) continue;
      symlinkSync(target.startsWith('/lib/systemd/system/') && existsSync(`${upper}/etc/systemd/system/${u}`) ? `/etc/systemd/system/${u}` : target, upper + link);
    }
  }
}

function isLink(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

export async function prepareNspawnRoot(o: NspawnRootOptions): Promise<void> {
  const { upper, host, plan, base } = o;
  const P = (path: string, content: string | Buffer, mode = 0o644, owner?: { uid: number; gid: number }) => put(upper, path, content, mode, owner, base);
  const passwd = readFileSync(`${base}/etc/passwd`, 'utf8');
  const uid = freeUid(passwd, host.user);
  const user: LoginUser = { name: host.user, uid, gid: uid, hash: o.sudoHash ?? '*' };
  const files = withUser({ passwd, group: readFileSync(`${base}/etc/group`, 'utf8'), shadow: readFileSync(`${base}/etc/shadow`, 'utf8') }, user);
  P('/etc/passwd', files.passwd);
  P('/etc/group', files.group);
  P('/etc/shadow', files.shadow, 0o640, { uid: 0, gid: statSync(`${base}/etc/shadow`).gid });
  P('/etc/hostname', `${host.name}\n`);
  P('/etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  P('/etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  P('/etc/resolv.conf', `# provision lab: no DNS server answers inside the lab; names come from /etc/hosts\nnameserver ${plan.gateway}\noptions timeout:1 attempts:1\n`);
  P('/etc/fstab', '# provision lab: swap is on at boot until this line goes\n/swapfile none swap sw 0 0\n');
  P('/etc/sudoers.d/provision-lab', o.sudoHash ? `${host.user} ALL=(ALL:ALL) ALL\n` : `${host.user} ALL=(ALL:ALL) NOPASSWD:ALL\n`, 0o440);
  const home = `/home/${host.user}`;
  const owner = { uid, gid: uid };
  mkdirLike(upper, home, base);
  chownSync(upper + home, uid, uid);
  chmodSync(upper + home, 0o750);
  mkdirSync(`${upper}${home}/.ssh`, { recursive: true });
  chownSync(`${upper}${home}/.ssh`, uid, uid);
  chmodSync(`${upper}${home}/.ssh`, 0o700);
  P(`${home}/.ssh/authorized_keys`, o.clientPublicKey, 0o600, owner);
  const rc = '# provision lab: a minimal shell rc (fast logins)\nexport PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n';
  for (const f of ['.bashrc', '.profile']) P(`${home}/${f}`, rc, 0o644, owner);
  P('/etc/ssh/sshd_config', sshdConfig(o.sshdOptions));
  P('/etc/default/ssh', 'SSHD_OPTS="-E /var/log/sshd.log"\n');
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${host.name}`, '-f', `${upper}/etc/ssh/ssh_host_ed25519_key`]);
  // The base root's other host keys are the same in every host: hidden (char 0:0 whiteouts).
  for (const k of ['rsa', 'ecdsa']) {
    for (const f of [`/etc/ssh/ssh_host_${k}_key`, `/etc/ssh/ssh_host_${k}_key.pub`]) if (existsSync(base + f)) await run(['mknod', upper + f, 'c', '0', '0']);
  }
  P('/usr/share/keyrings/provision-lab.gpg', o.aptKeyring);
  P('/etc/apt/sources.list', `# provision lab: the lab's offline mirror\ndeb [signed-by=/usr/share/keyrings/provision-lab.gpg] ${o.aptBaseUrl}/debian/ /\n`);
  if (host.board === 'raspberry-pi') {
    P('/boot/firmware/cmdline.txt', 'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait\n');
  }
  // Stand-ins only for what is global to the machine's kernel (systemctl, reboot and the rest are Debian's).
  for (const [prog, s] of Object.entries(STANDINS)) {
    P(`/usr/local/sbin/${prog}`, shimScript(prog, s.script), 0o755);
    for (const p of s.paths) P(p, shimScript(prog, s.script), 0o755);
  }
  P('/etc/systemd/system/provision-lab-kernel.service', LAB_KERNEL_UNIT);
  const net = stackFiles(o.stack, host.cidr, plan.gateway);
  for (const f of net.files) P(f.path, f.content, f.mode);
  enableUnits(upper, base, ['provision-lab-kernel.service', 'ssh.service', ...net.enable]);
  writeFileSync(`${upper}/etc/provision-lab-stack`, `${o.stack}\n`);
  // hugetlbfs cannot be mounted from the host's own user namespace (host-userns.ts): masked, so a booted host is
  // `running` and not `degraded` over a mount no lab test uses.
  mkdirLike(upper, '/etc/systemd/system', base);
  if (!isLink(`${upper}/etc/systemd/system/dev-hugepages.mount`)) symlinkSync('/dev/null', `${upper}/etc/systemd/system/dev-hugepages.mount`);
}
