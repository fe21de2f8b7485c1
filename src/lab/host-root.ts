// What a host's own layer is made of (its overlay upper dir, written before it boots): files put as the lower layer has
// their directories, the login user, sshd's config, and the stand-in shims with their fast paths.
import { chmodSync, chownSync, existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where the provision package is visible inside every host (read-only bind mount). */
export const IN_HOST_PKG = '/usr/lib/provision-lab/pkg';
export const IN_HOST_STANDINS = `${IN_HOST_PKG}/dist/lab/assets/standins`;

/** Stand-in command → script; each is installed in /usr/local/sbin and over the real binary's paths. */
export const STANDINS: Record<string, { script: string; paths: string[] }> = {
  sysctl: { script: 'sysctl.mjs', paths: ['/usr/sbin/sysctl'] },
  swapoff: { script: 'swap.mjs', paths: ['/usr/sbin/swapoff'] },
  swapon: { script: 'swap.mjs', paths: ['/usr/sbin/swapon'] },
  modprobe: { script: 'modprobe.mjs', paths: ['/usr/sbin/modprobe'] },
  lsmod: { script: 'modprobe.mjs', paths: ['/usr/sbin/lsmod'] },
  rmmod: { script: 'modprobe.mjs', paths: ['/usr/sbin/rmmod'] },
  insmod: { script: 'modprobe.mjs', paths: ['/usr/sbin/insmod'] },
};

/**
 * Read-only queries a probe makes on every run, answered in the shim's shell from the same records the Node stand-ins
 * keep: on real hosts these are native and near-free, so a Node start each (25-30 ms) would make the lab slower than
 * hardware. Anything else, every change, and anything the fast path is unsure of goes to the Node stand-in.
 * sysctl needs bash (see fast/sysctl.bash): its code lives in assets/standins/fast/sysctl.bash, sourced
 * from the package mount, so it always matches the Node stand-in next to it. Env LAB_NO_FAST_PATH=1 skips them all.
 */
export const FAST_PATHS: Record<string, { shell: '/bin/sh' | '/bin/bash -p'; code: string }> = {
  // -p: no $BASH_ENV, no functions or GLOBIGNORE from the caller's environment (the fast path relies on plain builtins).
  sysctl: { shell: '/bin/bash -p', code: sourced('sysctl') },
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
