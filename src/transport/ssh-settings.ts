// From ssh -G's keywords (or the fallback parser's) to the settings one connection uses: paths expanded, policy chosen.
import type { HostKeyPolicy } from './known-hosts-store.js';
import type { SshOptions } from './ssh-g.js';
import { expandPath, expandProxyCommand, type TokenValues } from './ssh-tokens.js';

export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

export interface ResolvedSsh {
  /** Inventory host name, or the hop as written in ProxyJump. */
  name: string;
  /** What we dial (HostName). */
  hostname: string;
  port: number;
  user: string;
  /** Absolute paths, in the order they are tried (after the agent's keys). */
  identityFiles: string[];
  /** `IdentitiesOnly yes`: only the agent's keys that match an identity file are offered. */
  identitiesOnly: boolean;
  /** Agent socket, or undefined for no agent (IdentityAgent none, or no SSH_AUTH_SOCK). */
  agent?: string;
  /** Hops, first to last; empty for a direct connection (or a ProxyCommand). */
  proxyJump: JumpSpec[];
  /** The ProxyCommand to run, tokens expanded; wins over proxyJump (only one is ever set). */
  proxyCommand?: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** Name used in known_hosts instead of hostname (HostKeyAlias). */
  hostKeyAlias?: string;
  hostKeyPolicy: HostKeyPolicy;
  hashKnownHosts: boolean;
  connectTimeoutMs?: number;
  /** The config file given with -F / --ssh-config (for messages), if any. */
  configFile?: string;
  /** Who resolved these settings. */
  resolver: 'ssh -G' | 'builtin';
  /** Every keyword, ssh -G style, with the values provision uses (what `provision ssh-config` prints). */
  options: SshOptions;
}

export interface SettingsContext {
  name: string;
  env: NodeJS.ProcessEnv;
  home: string;
  localUser: string;
  /** The inventory's --host-keys / hostKeys: wins over StrictHostKeyChecking. */
  hostKeys?: HostKeyPolicy;
  configFile?: string;
  resolver: ResolvedSsh['resolver'];
}

/** Keywords whose values are paths that provision expands itself (ssh -G prints them raw). */
export function settingsFromOptions(opts: SshOptions, ctx: SettingsContext): ResolvedSsh {
  const one = (k: string) => opts[k]?.[0];
  const many = (k: string) => opts[k] ?? [];
  const hostname = one('hostname') ?? ctx.name;
  const user = one('user') ?? ctx.localUser;
  const port = Number(one('port') ?? 22);
  const jump = one('proxyjump');
  const alias = one('hostkeyalias');
  const tokens: TokenValues = { h: hostname, n: ctx.name, p: String(port), r: user, u: ctx.localUser, d: ctx.home, ...(jump ? { j: jump } : {}), ...(alias ? { k: alias } : {}) };
  const identityFiles = [...new Set(many('identityfile').map((f) => expandPath(f, tokens, ctx.env)))];
  const agent = agentSocket(one('identityagent'), tokens, ctx.env);
  const files = (k: string) =>
    many(k)
      .flatMap((v) => v.split(/\s+/))
      .filter((v) => v !== '' && v.toLowerCase() !== 'none')
      .map((f) => expandPath(f, tokens, ctx.env));
  const rawCommand = one('proxycommand');
  const proxyCommand = rawCommand && rawCommand.toLowerCase() !== 'none' ? expandProxyCommand(rawCommand, tokens) : undefined;
  const timeout = one('connecttimeout');
  const options: SshOptions = { ...opts, ...(identityFiles.length ? { identityfile: identityFiles } : {}) };
  if (agent !== undefined && one('identityagent') !== undefined) options.identityagent = [agent];
  return {
    name: ctx.name,
    hostname,
    port,
    user,
    identityFiles,
    identitiesOnly: isYes(one('identitiesonly')),
    ...(agent ? { agent } : {}),
    proxyJump: proxyCommand ? [] : parseProxyJump(jump ?? 'none'),
    ...(proxyCommand ? { proxyCommand } : {}),
    userKnownHostsFiles: files('userknownhostsfile'),
    globalKnownHostsFiles: files('globalknownhostsfile'),
    ...(alias ? { hostKeyAlias: alias } : {}),
    hostKeyPolicy: ctx.hostKeys ?? policyOf(one('stricthostkeychecking')),
    hashKnownHosts: isYes(one('hashknownhosts')),
    ...(timeout !== undefined && Number(timeout) > 0 ? { connectTimeoutMs: Number(timeout) * 1000 } : {}),
    ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
    resolver: ctx.resolver,
    options,
  };
}

/**
 * IdentityAgent as ssh(1) reads it: `none` = no agent; `SSH_AUTH_SOCK` or `$VAR` = that environment variable;
 * else a path with ~, tokens and ${VAR}. Unset: $SSH_AUTH_SOCK.
 */
export function agentSocket(value: string | undefined, tokens: TokenValues, env: NodeJS.ProcessEnv): string | undefined {
  if (value === undefined) return env.SSH_AUTH_SOCK || undefined;
  if (value.toLowerCase() === 'none') return undefined;
  if (value === 'SSH_AUTH_SOCK') return env.SSH_AUTH_SOCK || undefined;
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return env[value.slice(1)] || undefined;
  return expandPath(value, tokens, env);
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

/**
 * StrictHostKeyChecking → provision's policy. `yes` refuses unknown keys; `ask` (OpenSSH's default, which ssh -G
 * prints when nothing is set) cannot ask mid-run, so it pins new keys like accept-new and refuses changed ones.
 */
export function policyOf(v: string | undefined): HostKeyPolicy {
  switch (v?.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'strict';
    case 'no':
    case 'off':
    case 'false':
      return 'off';
    default:
      return 'accept-new';
  }
}

function isYes(v: string | undefined): boolean {
  return v?.toLowerCase() === 'yes' || v?.toLowerCase() === 'true';
}

