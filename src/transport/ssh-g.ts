// Ask OpenSSH itself: `ssh -G` prints the effective client settings for a destination and never connects.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execFile } from 'node:child_process';
import type { HostKeyPolicy } from './known-hosts-store.js';

/** ssh -G's output: lower-case keyword → its values, in order (IdentityFile and friends repeat). */
export type SshOptions = Record<string, string[]>;

/** One lookup: the destination and the inventory's explicit values, passed as OpenSSH's command line would carry them. */
export interface SshLookup {
  /** The destination as `ssh NAME` would get it (inventory host name, or a ProxyJump hop). */
  name: string;
  user?: string;
  port?: number;
  identityFile?: string;
  proxyJump?: string;
  hostKeys?: HostKeyPolicy;
  /** Dial this address: `-o HostName=` (used when the config sets no HostName for the name). */
  hostName?: string;
  /** `-F FILE`; without it ssh reads ~/.ssh/config and /etc/ssh/ssh_config. */
  configFile?: string;
}

const STRICT: Record<HostKeyPolicy, string> = { strict: 'yes', 'accept-new': 'accept-new', off: 'no' };

/** Parse `keyword value` lines; keywords are lower-cased (ssh -G prints one in mixed case). */
export function parseSshG(text: string): SshOptions {
  const out: SshOptions = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)(?:\s+(.*))?$/.exec(line.trimEnd());
    if (!m?.[1]) continue;
    const key = m[1].toLowerCase();
    (out[key] ??= []).push(m[2] ?? '');
  }
  return out;
}

/** ssh -G's format back: one `keyword value` line per value. */
export function formatSshOptions(opts: SshOptions): string {
  return Object.entries(opts)
    .flatMap(([k, vs]) => vs.map((v) => `${k} ${v}`))
    .join('\n');
}

/** The arguments OpenSSH would see for this lookup (-o values quoted when they hold spaces). */
export function sshGArgs(l: SshLookup): string[] {
  const o = (k: string, v: string) => ['-o', `${k}=${/[\s"]/.test(v) ? `"${v.replace(/"/g, '')}"` : v}`];
  return [
    '-G',
    ...(l.configFile ? ['-F', l.configFile] : []),
    ...(l.user ? ['-l', l.user] : []),
    ...(l.port ? ['-p', String(l.port)] : []),
    ...(l.identityFile ? o('IdentityFile', l.identityFile) : []),
    ...(l.proxyJump ? o('ProxyJump', l.proxyJump) : []),
    ...(l.hostKeys ? o('StrictHostKeyChecking', STRICT[l.hostKeys]) : []),
    ...(l.hostName ? o('HostName', l.hostName) : []),
    '--',
    l.name,
  ];
}

/**
 * Run `ssh -G`; a config error (exit 255) is thrown with ssh's own message (it names the file and line).
 * Node's execFile rather than execa: this runs on every run, and loading execa costs ~70 ms of the start.
 */
export function runSshG(ssh: string, l: SshLookup, env: NodeJS.ProcessEnv): Promise<SshOptions> {
  return new Promise((resolve, reject) => {
    const child = execFile(ssh, sshGArgs(l), { env, timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(parseSshG(stdout));
      const said = stderr
        .split('\n')
        .filter((s) => s && !/^Pseudo-terminal/.test(s))
        .join('; ');
      reject(new Error(`ssh -G ${l.name} failed: ${said || err.message}`));
    });
    child.stdin?.end();
  });
}

/** The `ssh` program on PATH, or undefined (then the built-in parser is the fallback). */
export function findSshBinary(env: NodeJS.ProcessEnv): string | undefined {
  const forced = env.PROVISION_SSH_BIN;
  if (forced !== undefined) return forced === '' || forced === 'none' ? undefined : forced;
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'ssh');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}
