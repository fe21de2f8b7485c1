// Writes a host's private files into its overlay upper dir before it boots: identity, login user, sshd, stand-ins, apt sources.
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { LabHostPlan, LabPlan } from './plan.js';
import { run } from './sh.js';
import type { DpkgScrub } from './dpkg-scrub.js';

/** Where the provision package is visible inside every host (read-only bind mount). */
export const IN_HOST_PKG = '/usr/lib/provision-lab/pkg';
export const IN_HOST_STANDINS = `${IN_HOST_PKG}/dist/lab/assets/standins`;

/** Stand-in command → script; each is installed in /usr/local/sbin and over the real binary's paths. */
export const STANDINS: Record<string, { script: string; paths: string[] }> = {
  systemctl: { script: 'systemctl.mjs', paths: ['/usr/bin/systemctl'] },
  sysctl: { script: 'sysctl.mjs', paths: ['/usr/sbin/sysctl'] },
  swapoff: { script: 'swap.mjs', paths: ['/usr/sbin/swapoff'] },
  swapon: { script: 'swap.mjs', paths: ['/usr/sbin/swapon'] },
  modprobe: { script: 'modprobe.mjs', paths: ['/usr/sbin/modprobe'] },
  lsmod: { script: 'modprobe.mjs', paths: ['/usr/sbin/lsmod'] },
  rmmod: { script: 'modprobe.mjs', paths: ['/usr/sbin/rmmod'] },
  insmod: { script: 'modprobe.mjs', paths: ['/usr/sbin/insmod'] },
  reboot: { script: 'reboot.mjs', paths: ['/usr/sbin/reboot'] },
  shutdown: { script: 'reboot.mjs', paths: ['/usr/sbin/shutdown'] },
};

/**
 * Read-only queries a probe makes on every run, answered in the shim's shell from the same records the Node stand-ins
 * keep: on real hosts these are native and near-free, so a Node start each (25-30 ms) would make the lab slower than
 * hardware. Anything else, every change, and anything the fast path is unsure of goes to the Node stand-in.
 * sysctl and systemctl need bash (see fast/sysctl.bash): their code lives in assets/standins/fast/PROG.bash, sourced
 * from the package mount, so it always matches the Node stand-ins next to it. Env LAB_NO_FAST_PATH=1 skips them all.
 */
export const FAST_PATHS: Record<string, { shell: '/bin/sh' | '/bin/bash -p'; code: string }> = {
  // -p: no $BASH_ENV, no functions or GLOBIGNORE from the caller's environment (the fast path relies on plain builtins).
  sysctl: { shell: '/bin/bash -p', code: sourced('sysctl') },
  systemctl: { shell: '/bin/bash -p', code: sourced('systemctl') },
  lsmod: {
    shell: '/bin/sh',
    code: [
      'if [ $# -eq 0 ]; then printf \'Module                  Size  Used by\\n\'',
      '  if [ -f /run/lab/modules ]; then while read -r m; do [ -n "$m" ] && printf \'%-24s32768  0\\n\' "$m"; done < /run/lab/modules; fi; exit 0',
      'fi',
    ].join('\n'),
  },
  swapon: { shell: '/bin/sh', code: 'if [ "$*" = "--show=NAME --noheadings" ]; then cat /run/lab/swaps 2>/dev/null; exit 0; fi' },
};

function sourced(prog: string): string {
  const file = `${IN_HOST_STANDINS}/fast/${prog}.bash`;
  return `if [ -r ${file} ] && . ${file} && lab_fast_${prog} "$@"; then exit 0; fi`;
}

export function shimScript(prog: string, script: string): string {
  const fast = FAST_PATHS[prog];
  const body = fast ? `if [ "\${LAB_NO_FAST_PATH:-}" != 1 ]; then\n${fast.code}\nfi\n` : '';
  return `#!${fast?.shell ?? '/bin/sh'}\n# provision lab stand-in: ${prog} acts on this lab host only.\n${body}export LAB_PROG=${prog}\nexec /usr/bin/node ${IN_HOST_STANDINS}/${script} "$@"\n`;
}

/** mkdir -p inside upper, giving each new directory the mode and owner of the same path under `like` (the machine, or a base root). */
export function mkdirLike(upper: string, rel: string, like = ''): void {
  let cur = '';
  for (const part of rel.split('/').filter(Boolean)) {
    cur += `/${part}`;
    const target = upper + cur;
    if (existsSync(target)) continue;
    mkdirSync(target);
    try {
      const st = statSync(like + cur);
      chmodSync(target, st.mode & 0o7777);
      chownSync(target, st.uid, st.gid);
    } catch {
      chmodSync(target, 0o755);
    }
  }
}

/**
 * The path as the machine (or the base root `like`) stores it: its directory with symlinks resolved (merged /usr:
 * /lib/x → /usr/lib/x). A real directory in upper where the lower has a symlink would shadow the whole symlinked
 * tree (e.g. /lib, and with it the dynamic loader).
 */
function inLower(path: string, like = ''): string {
  const dir = dirname(path);
  try {
    const real = realpathSync(like + dir);
    if (!real.startsWith(like)) return path;
    return join(real.slice(like.length) || '/', basename(path));
  } catch {
    return path;
  }
}

export function put(upper: string, target: string, content: string | Buffer, mode = 0o644, owner?: { uid: number; gid: number }, like = ''): void {
  const path = inLower(target, like);
  mkdirLike(upper, dirname(path), like);
  const file = upper + path;
  writeFileSync(file, content);
  chmodSync(file, mode);
  if (owner) chownSync(file, owner.uid, owner.gid);
}

export interface LoginUser {
  name: string;
  uid: number;
  gid: number;
  /** crypt(3) hash for /etc/shadow, or '*' (no password; key login only). */
  hash: string;
}

/** Adds the login user to copies of the machine's passwd/group/shadow (or replaces an existing entry of that name). */
export function withUser(files: { passwd: string; group: string; shadow: string }, user: LoginUser) {
  const drop = (text: string) => text.split('\n').filter((l) => l && !l.startsWith(`${user.name}:`));
  const passwd = [...drop(files.passwd), `${user.name}:x:${user.uid}:${user.gid}:provision lab:/home/${user.name}:/bin/bash`];
  const group = [...drop(files.group), `${user.name}:x:${user.gid}:`];
  const shadow = [...drop(files.shadow), `${user.name}:${user.hash}:19000:0:99999:7:::`];
  return { passwd: passwd.join('\n') + '\n', group: group.join('\n') + '\n', shadow: shadow.join('\n') + '\n' };
}

/** The first uid >= 1000 free in the machine's passwd. */
export function freeUid(passwd: string, name: string): number {
  const used = new Set<number>();
  for (const l of passwd.split('\n')) {
    const f = l.split(':');
    if (f[0] === name) continue;
    if (f[2]) used.add(Number(f[2]));
  }
  let uid = 1000;
  while (used.has(uid)) uid++;
  return uid;
}

export function interfacesFile(cidr: string, gateway: string): string {
  return [
    '# provision lab: the host\'s network, as ifupdown would configure it',
    'source /etc/network/interfaces.d/*',
    '',
    'auto lo',
    'iface lo inet loopback',
    '',
    'auto eth0',
    'iface eth0 inet static',
    `    address ${cidr}`,
    `    gateway ${gateway}`,
    '',
  ].join('\n');
}

/** sshd keywords `lab up --sshd-option` may set (to rehearse a constrained or hardened sshd). */
export const SSHD_OPTION_KEYWORDS = ['MaxStartups', 'MaxSessions', 'MaxAuthTries', 'LoginGraceTime', 'ClientAliveInterval', 'ClientAliveCountMax', 'PerSourcePenalties', 'PerSourceMaxStartups', 'UseDNS'];

/** Checks one `--sshd-option 'Keyword value'`; returns the line for sshd_config or throws a message. */
export function parseSshdOption(text: string): string {
  const m = /^\s*([A-Za-z]+)\s+([A-Za-z0-9:.,=-]+(?: [A-Za-z0-9:.,=-]+)*)\s*$/.exec(text);
  const keyword = m ? SSHD_OPTION_KEYWORDS.find((k) => k.toLowerCase() === m[1]!.toLowerCase()) : undefined;
  if (!m || !keyword) throw new Error(`--sshd-option ${JSON.stringify(text)}: expected 'Keyword value' with one of ${SSHD_OPTION_KEYWORDS.join(', ')}`);
  return `${keyword} ${m[2]}`;
}

/** extra: lines from parseSshdOption, placed before the defaults (sshd keeps the first value of a keyword). */
export function sshdConfig(extra: string[] = []): string {
  return [
    ...(extra.length > 0 ? ['# lab up --sshd-option', ...extra] : []),
    '# provision lab: this host\'s sshd (started with the absolute default path /etc/ssh/sshd_config)',
    'Port 22',
    'ListenAddress 0.0.0.0',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'UsePAM no',
    'PrintMotd no',
    'PidFile /run/sshd.pid',
    'Subsystem sftp internal-sftp',
    // VERBOSE logs each accepted connection and each session (exec): the bench counts them.
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

export interface HostRootOptions {
  plan: LabPlan;
  host: LabHostPlan;
  upper: string;
  clientPublicKey: string;
  /** crypt hash of --sudo-password, or undefined for NOPASSWD sudo. */
  sudoHash?: string;
  /** Binary keyring (gpg --export) that signs the lab's apt repository. */
  aptKeyring: Buffer;
  aptBaseUrl: string;
  /** What of the machine's dpkg database the host must not inherit. */
  scrub?: DpkgScrub;
  /** Extra sshd_config lines (lab up --sshd-option), already checked by parseSshdOption. */
  sshdOptions?: string[];
}

/** Whiteouts (char 0:0 in upper) hide machine files the host must not inherit. */
async function whiteout(upper: string, paths: string[]): Promise<void> {
  const present = [...new Set(paths.filter((p) => existsSync(p) || isLink(p)).map((p) => inLower(p)))];
  if (present.length === 0) return;
  for (const p of present) mkdirLike(upper, dirname(p));
  await run(['sh', '-c', present.map((p) => `mknod '${upper}${p}' c 0 0`).join(' && ')]);
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export async function prepareHostRoot(o: HostRootOptions): Promise<void> {
  const { upper, host, plan } = o;
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const uid = freeUid(passwd, host.user);
  const user: LoginUser = { name: host.user, uid, gid: uid, hash: o.sudoHash ?? '*' };
  const files = withUser({ passwd, group: readFileSync('/etc/group', 'utf8'), shadow: readFileSync('/etc/shadow', 'utf8') }, user);
  put(upper, '/etc/passwd', files.passwd);
  put(upper, '/etc/group', files.group);
  put(upper, '/etc/shadow', files.shadow, 0o640, { uid: 0, gid: statSync('/etc/shadow').gid });
  put(upper, '/etc/hostname', `${host.name}\n`);
  put(upper, '/etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  put(upper, '/etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  put(upper, '/etc/resolv.conf', `# provision lab: no DNS server answers inside the lab; names come from /etc/hosts\nnameserver ${plan.gateway}\noptions timeout:1 attempts:1\n`);
  put(upper, '/etc/fstab', '# provision lab: swap is on at boot until this line goes\n/swapfile none swap sw 0 0\n');
  const sudo = o.sudoHash ? `${host.user} ALL=(ALL:ALL) ALL\n` : `${host.user} ALL=(ALL:ALL) NOPASSWD:ALL\n`;
  put(upper, '/etc/sudoers.d/provision-lab', sudo, 0o440);
  const home = `/home/${host.user}`;
  const owner = { uid, gid: uid };
  mkdirLike(upper, home);
  chownSync(upper + home, uid, uid);
  chmodSync(upper + home, 0o750);
  mkdirSync(`${upper}${home}/.ssh`, { recursive: true });
  chownSync(`${upper}${home}/.ssh`, uid, uid);
  chmodSync(`${upper}${home}/.ssh`, 0o700);
  put(upper, `${home}/.ssh/authorized_keys`, o.clientPublicKey, 0o600, owner);
  const rc = '# provision lab: a minimal shell rc (fast logins)\nexport PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n';
  for (const f of ['.bashrc', '.profile']) put(upper, `${home}/${f}`, rc, 0o644, owner);
  for (const f of ['.bashrc', '.profile']) put(upper, `/root/${f}`, rc, 0o644);
  put(upper, '/etc/ssh/sshd_config', sshdConfig(o.sshdOptions));
  put(upper, '/etc/default/ssh', 'SSHD_OPTS="-E /var/log/sshd.log"\n');
  // The host's network is ifupdown-managed, like Debian and Raspberry Pi OS (bookworm lite) installs.
  put(upper, '/etc/network/interfaces', interfacesFile(host.cidr, plan.gateway));
  if (host.board === 'raspberry-pi') {
    put(upper, '/boot/firmware/cmdline.txt', 'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes rootwait\n');
  }
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${host.name}`, '-f', `${upper}/etc/ssh/ssh_host_ed25519_key`]);
  put(upper, '/usr/share/keyrings/provision-lab.gpg', '');
  writeFileSync(`${upper}/usr/share/keyrings/provision-lab.gpg`, o.aptKeyring);
  put(upper, '/etc/apt/sources.list', `# provision lab: the lab's offline mirror replaces the machine's sources\ndeb [signed-by=/usr/share/keyrings/provision-lab.gpg] ${o.aptBaseUrl}/debian/ /\n`);
  for (const [prog, s] of Object.entries(STANDINS)) {
    put(upper, `/usr/local/sbin/${prog}`, shimScript(prog, s.script), 0o755);
    for (const p of s.paths) put(upper, p, shimScript(prog, s.script), 0o755);
  }
  const sourcesD = existsSync('/etc/apt/sources.list.d') ? readdirSync('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`) : [];
  const keys = ['rsa', 'ecdsa', 'dsa'].flatMap((k) => [`/etc/ssh/ssh_host_${k}_key`, `/etc/ssh/ssh_host_${k}_key.pub`]);
  if (o.scrub?.status) put(upper, '/var/lib/dpkg/status', o.scrub.status);
  await whiteout(upper, [...sourcesD, ...keys, '/etc/sudoers.d/90-cloud-init-users', ...(o.scrub?.hide ?? [])]);
}

/** Copies a file into upper at the same path (used for shared lab files such as the CA of the apt repo). */
export function copyIntoUpper(upper: string, from: string, to: string): void {
  mkdirLike(upper, dirname(to));
  copyFileSync(from, join(upper, to));
}
