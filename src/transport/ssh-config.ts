// Resolve one host's SSH settings: inventory values over the OpenSSH client config over defaults.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { SshSettings } from '../inventory/types.js';
import type { HostKeyPolicy } from './known-hosts-store.js';
import { matchWildcard } from './known-hosts.js';

export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

export interface ResolvedSsh {
  /** Inventory host name, or the hop as written in ProxyJump. */
  name: string;
  /** What we dial: HostName from the config, else the inventory address. */
  hostname: string;
  port: number;
  user: string;
  /** Absolute paths, in the order they are tried (after the agent). */
  identityFiles: string[];
  /** `IdentitiesOnly yes`: do not use the agent's keys. */
  identitiesOnly: boolean;
  /** Agent socket, or undefined for no agent (IdentityAgent none, or no SSH_AUTH_SOCK). */
  agent?: string;
  /** Hops, first to last; empty for a direct connection. */
  proxyJump: JumpSpec[];
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** Name used in known_hosts instead of hostname (HostKeyAlias). */
  hostKeyAlias?: string;
  hostKeyPolicy: HostKeyPolicy;
  hashKnownHosts: boolean;
  connectTimeoutMs?: number;
  /** The config file these settings came from (for messages), if any. */
  configFile?: string;
}

export interface ResolveInput {
  name: string;
  /** Inventory address; also matched against Host patterns. */
  address?: string;
  /** Inventory values: host-level ssh merged over the inventory's ssh block. They win over the config. */
  explicit?: SshSettings;
  config?: LoadedSshConfig;
  env?: NodeJS.ProcessEnv;
  home?: string;
  localUser?: string;
}

export interface LoadedSshConfig {
  file: string;
  config: SSHConfig;
}

/** Which config file: the --ssh-config flag, else PROVISION_SSH_CONFIG, else ~/.ssh/config when present. */
export function findSshConfigPath(opts: { flag?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string | undefined {
  if (opts.flag) return opts.flag;
  const fromEnv = (opts.env ?? process.env).PROVISION_SSH_CONFIG;
  if (fromEnv) return fromEnv;
  const def = join(opts.home ?? homedir(), '.ssh', 'config');
  return existsSync(def) ? def : undefined;
}

/** Parse a config file, splicing in top-level `Include` files (wildcards in the file name only). */
export function loadSshConfig(file: string, home = homedir()): LoadedSshConfig {
  return { file, config: SSHConfig.parse(expandIncludes(readFileSync(file, 'utf8'), dirname(file), home, 0)) };
}

export function parseSshConfigText(text: string, file = '<text>'): LoadedSshConfig {
  return { file, config: SSHConfig.parse(text) };
}

/** `[user@]host[:port]` (or `[v6]:port`), comma-separated; `none` means a direct connection. */
export function parseProxyJump(value: string): JumpSpec[] {
  if (value.trim() === '' || value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((hop) => {
    const raw = hop.trim().replace(/^ssh:\/\//, '');
    const at = raw.lastIndexOf('@');
    const user = at >= 0 ? raw.slice(0, at) : undefined;
    const rest = at >= 0 ? raw.slice(at + 1) : raw;
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
    if (!m || !m[1]) throw new Error(`invalid ProxyJump hop ${JSON.stringify(hop)}`);
    return { host: m[1], ...(user ? { user } : {}), ...(m[2] ? { port: Number(m[2]) } : {}) };
  });
}

/** The settings for one connection. Precedence: explicit (inventory) > ssh config (name, then address) > defaults. */
export function resolveSsh(input: ResolveInput): ResolvedSsh {
  const env = input.env ?? process.env;
  const home = input.home ?? homedir();
  const localUser = input.localUser ?? safeLocalUser(env);
  const cfg = computeFor(input.config, [input.name, input.address]);
  const one = (k: string): string | undefined => {
    const v = cfg[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const many = (k: string): string[] => {
    const v = cfg[k];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  };
  if (one('proxycommand') && !one('proxyjump') && input.explicit?.proxyJump === undefined) {
    throw new Error(`${input.name}: ProxyCommand in ${input.config?.file} is not supported; use ProxyJump`);
  }
  const hostname = one('hostname')?.replace(/%h/g, input.address ?? input.name) ?? input.address ?? input.name;
  const user = input.explicit?.user ?? one('user') ?? localUser;
  const port = input.explicit?.port ?? numberOr(one('port'), 22);
  const tokens = { d: home, u: localUser, h: hostname, r: user, p: String(port), n: input.name };
  const expand = (p: string) => expandPath(p, tokens, home);
  const configured = many('identityfile').filter((f) => f.toLowerCase() !== 'none');
  const identityFiles = [
    ...(input.explicit?.identityFile ? [input.explicit.identityFile] : []),
    ...(configured.length > 0 ? configured : defaultIdentityFiles(home)),
  ].map(expand);
  const agentSetting = one('identityagent');
  const agent =
    agentSetting === undefined
      ? env.SSH_AUTH_SOCK || undefined
      : agentSetting.toLowerCase() === 'none'
        ? undefined
        : agentSetting === 'SSH_AUTH_SOCK'
          ? env.SSH_AUTH_SOCK || undefined
          : expand(agentSetting.replace(/^\$/, ''));
  const timeout = one('connecttimeout');
  const alias = one('hostkeyalias');
  return {
    name: input.name,
    hostname,
    port,
    user,
    identityFiles: [...new Set(identityFiles)],
    identitiesOnly: yes(one('identitiesonly')),
    ...(agent ? { agent } : {}),
    proxyJump: parseProxyJump(input.explicit?.proxyJump ?? one('proxyjump') ?? 'none'),
    userKnownHostsFiles: (many('userknownhostsfile').length ? splitFiles(many('userknownhostsfile')) : ['~/.ssh/known_hosts']).map(expand),
    globalKnownHostsFiles: (many('globalknownhostsfile').length ? splitFiles(many('globalknownhostsfile')) : ['/etc/ssh/ssh_known_hosts']).map(expand),
    ...(alias ? { hostKeyAlias: alias } : {}),
    hostKeyPolicy: input.explicit?.hostKeys ?? policyOf(one('stricthostkeychecking')) ?? 'accept-new',
    hashKnownHosts: yes(one('hashknownhosts')),
    ...(timeout !== undefined ? { connectTimeoutMs: numberOr(timeout, 10) * 1000 } : {}),
    ...(input.config ? { configFile: input.config.file } : {}),
  };
}

/**
 * ssh_config(5) in one pass, first value wins; a Host block applies when its patterns match the inventory
 * name OR its address (a negated pattern matching either vetoes the block). `Match` supports only
 * `all` and `host`/`originalhost`: other criteria (exec, user, ...) never match, so no command runs.
 */
function computeFor(config: LoadedSshConfig | undefined, names: (string | undefined)[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!config) return out;
  const candidates = names.filter((n): n is string => Boolean(n));
  const set = (param: string, value: unknown) => {
    const k = param.toLowerCase();
    const vals = Array.isArray(value) ? value.map((v: { val: string }) => v.val) : [String(value)];
    if (REPEATABLE.has(k)) out[k] = [...((out[k] as string[] | undefined) ?? []), ...vals];
    else if (out[k] === undefined) out[k] = MULTI_VALUE.has(k) ? vals : vals.join(' ');
  };
  const applyAll = (lines: SSHConfig) => {
    for (const l of lines) if (l.type === SSHConfig.DIRECTIVE) set(l.param, l.value);
  };
  for (const line of config.config) {
    if (line.type !== SSHConfig.DIRECTIVE) continue;
    if (/^host$/i.test(line.param) && 'config' in line) {
      if (patternListMatches(valuesOf(line.value), candidates)) applyAll(line.config);
    } else if (/^match$/i.test(line.param) && 'config' in line) {
      if (matchApplies((line as { criteria?: Record<string, unknown> }).criteria ?? {}, candidates)) applyAll(line.config);
    } else set(line.param, line.value);
  }
  return out;
}

const REPEATABLE = new Set(['identityfile', 'certificatefile']);
const MULTI_VALUE = new Set(['userknownhostsfile', 'globalknownhostsfile']);

function valuesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v: { val: string }) => v.val) : String(value).split(/[\s,]+/);
}

function patternListMatches(patterns: string[], names: string[]): boolean {
  const list = patterns.flatMap((p) => p.split(',')).filter((p) => p !== '');
  for (const p of list) if (p.startsWith('!') && names.some((n) => matchWildcard(p.slice(1), n))) return false;
  return list.some((p) => !p.startsWith('!') && names.some((n) => matchWildcard(p, n)));
}

function matchApplies(criteria: Record<string, unknown>, names: string[]): boolean {
  const keys = Object.keys(criteria);
  if (keys.length === 0) return false;
  return keys.every((k) => {
    const key = k.toLowerCase();
    if (key === 'all') return true;
    if (key === 'host' || key === 'originalhost') return patternListMatches(valuesOf(criteria[k]), names);
    return false;
  });
}

function policyOf(v: string | undefined): HostKeyPolicy | undefined {
  switch (v?.toLowerCase()) {
    case undefined:
      return undefined;
    case 'yes':
    case 'ask': // we cannot ask mid-run: treat "ask" as "do not trust unknown keys"
      return 'strict';
    case 'accept-new':
      return 'accept-new';
    case 'no':
    case 'off':
      return 'off';
    default:
      return undefined;
  }
}

function expandPath(p: string, tokens: Record<string, string>, home: string): string {
  let s = p.replace(/%([%dhnprut])/g, (_, t: string) => (t === '%' ? '%' : (tokens[t] ?? '')));
  if (s === '~') s = home;
  else if (s.startsWith('~/')) s = join(home, s.slice(2));
  return isAbsolute(s) ? s : join(home, '.ssh', s);
}

function defaultIdentityFiles(home: string): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f));
}

function splitFiles(values: string[]): string[] {
  return values.flatMap((v) => v.split(/\s+/)).filter((v) => v !== '' && v.toLowerCase() !== 'none');
}

function yes(v: string | undefined): boolean {
  return v?.toLowerCase() === 'yes';
}

function numberOr(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

function safeLocalUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'root';
  }
}

function expandIncludes(text: string, dir: string, home: string, depth: number): string {
  if (depth > 8) throw new Error('ssh config: Include nested too deeply');
  let inSection = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(host|match)\b/i.test(line)) inSection = true;
      const m = /^\s*include\s+(.+?)\s*$/i.exec(line);
      if (!m?.[1] || inSection) return line;
      return m[1]
        .split(/\s+/)
        .flatMap((pattern) => globFiles(pattern, dir, home))
        .map((f) => expandIncludes(readFileSync(f, 'utf8'), dir, home, depth + 1))
        .join('\n');
    })
    .join('\n');
}

function globFiles(pattern: string, dir: string, home: string): string[] {
  const p = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : isAbsolute(pattern) ? pattern : join(dir, pattern);
  const base = p.slice(p.lastIndexOf('/') + 1);
  const parent = dirname(p);
  if (!/[*?]/.test(base)) return existsSync(p) ? [p] : [];
  if (!existsSync(parent)) return [];
  return readdirSync(parent)
    .filter((f) => matchWildcard(base, f))
    .sort()
    .map((f) => join(parent, f));
}
