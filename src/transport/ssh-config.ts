// The fallback when no `ssh` binary exists: ssh_config(5) read by hand, in ssh -G's output shape (docs/ssh.md lists its limits).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { matchWildcard } from './known-hosts.js';
import type { SshLookup, SshOptions } from './ssh-g.js';
import { expandPercent, expandTilde, type TokenValues } from './ssh-tokens.js';

export interface BuiltinContext {
  env: NodeJS.ProcessEnv;
  home: string;
  localUser: string;
  /**
   * Only find out whether the answer depends on the HostName (a `Match host` or `Match exec` line, or a final
   * pass): sets `hostDependent`, and runs no `Match exec` command.
   */
  probe?: { hostDependent: boolean };
  /** Record what this resolution read (ssh-g-cache.ts keys ssh -G's answers on it). */
  trace?: ConfigTrace;
}

/**
 * Everything a resolution read, for knowing when ssh -G would answer differently: each config file's text (null when
 * absent: creating it changes the answer), each directory an Include glob listed, the ${VARS} the files name, and
 * `volatile` when the answer can change with none of those (Match exec, Match localnetwork, canonicalization's DNS).
 */
export interface ConfigTrace {
  files: Map<string, string | null>;
  dirs: Map<string, string[] | null>;
  vars: Set<string>;
  volatile?: string;
}

/** Which config file: the --ssh-config flag, else PROVISION_SSH_CONFIG (like `ssh -F`); undefined = ssh's own defaults. */
export function findSshConfigPath(opts: { flag?: string; env?: NodeJS.ProcessEnv } = {}): string | undefined {
  return opts.flag || (opts.env ?? process.env).PROVISION_SSH_CONFIG || undefined;
}

/** Keywords that collect every value instead of keeping the first. */
const ACCUMULATE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv']);
/** Keywords that take the rest of the line as it is written (a command). */
const REST_OF_LINE = new Set(['proxycommand', 'localcommand', 'remotecommand', 'knownhostscommand']);
/** Keywords with several values on one line (ssh -G prints them space-joined). */
const SEVERAL = new Set(['userknownhostsfile', 'globalknownhostsfile', 'sendenv', 'setenv']);
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'];

interface Pass {
  /** The name Host lines match (the destination; the HostName in the final pass). */
  host: string;
  original: string;
  final: boolean;
  wantFinal: boolean;
}

/** Resolve like `ssh -G`: command-line values first, then the config files, first value wins; defaults last. */
export async function resolveBuiltin(l: SshLookup, ctx: BuiltinContext): Promise<SshOptions> {
  const opts: SshOptions = {};
  const set = (key: string, value: string) => {
    const k = key.toLowerCase();
    if (ACCUMULATE.has(k)) (opts[k] ??= []).push(value);
    else if ((k === 'proxycommand' && opts.proxyjump) || (k === 'proxyjump' && opts.proxycommand)) return; // the first of the two wins
    else opts[k] ??= [value];
  };
  if (l.user) set('user', l.user);
  if (l.port) set('port', String(l.port));
  if (l.identityFile) set('identityfile', l.identityFile);
  if (l.proxyJump) set('proxyjump', l.proxyJump);
  if (l.hostKeys) set('stricthostkeychecking', { strict: 'true', 'accept-new': 'accept-new', off: 'false' }[l.hostKeys]);
  if (l.hostName) set('hostname', l.hostName);
  const defaults = [join(ctx.home, '.ssh', 'config'), '/etc/ssh/ssh_config'];
  for (const f of defaults) if (!l.configFile && !existsSync(f)) ctx.trace?.files.set(f, null);
  const files = l.configFile ? [l.configFile] : defaults.filter((f) => existsSync(f));
  const name = l.name.toLowerCase();
  const pass: Pass = { host: name, original: name, final: false, wantFinal: false };
  for (const f of files) await readFile(f, pass, opts, set, ctx, 0);
  const canon = opts.canonicalizehostname?.[0]?.toLowerCase();
  if (pass.wantFinal || (canon !== undefined && canon !== 'no' && canon !== 'false')) {
    if (ctx.probe) ctx.probe.hostDependent = true;
    if (ctx.trace && canon !== undefined && canon !== 'no' && canon !== 'false') ctx.trace.volatile ??= 'CanonicalizeHostname';
    const finalPass: Pass = { ...pass, host: hostNameOf(opts, name), final: true };
    for (const f of files) await readFile(f, finalPass, opts, set, ctx, 0);
  }
  return withDefaults(opts, name, ctx);
}

function hostNameOf(opts: SshOptions, name: string): string {
  const h = opts.hostname?.[0];
  return h === undefined ? name : h.replace(/%(.)/g, (w, c: string) => (c === 'h' ? name : c === '%' ? '%' : w)).toLowerCase();
}

/** The values ssh -G prints for what nothing set. */
function withDefaults(opts: SshOptions, name: string, ctx: BuiltinContext): SshOptions {
  const out: SshOptions = { ...opts };
  out.hostname = [hostNameOf(opts, name)];
  out.user ??= [ctx.localUser];
  out.port ??= ['22'];
  out.identityfile ??= DEFAULT_IDENTITIES.map((f) => `~/.ssh/${f}`);
  out.identitiesonly ??= ['no'];
  out.stricthostkeychecking = [normaliseStrict(out.stricthostkeychecking?.[0])];
  out.hashknownhosts ??= ['no'];
  out.connecttimeout ??= ['none'];
  out.userknownhostsfile = [(out.userknownhostsfile?.[0] ?? '~/.ssh/known_hosts ~/.ssh/known_hosts2').split(/\s+/).map((f) => expandTilde(f, ctx.home)).join(' ')];
  out.globalknownhostsfile ??= ['/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2'];
  for (const k of ['proxycommand', 'proxyjump']) if (out[k]?.[0]?.toLowerCase() === 'none') delete out[k];
  return out;
}

function normaliseStrict(v: string | undefined): string {
  switch (v?.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'true';
    case 'no':
    case 'off':
    case 'false':
      return 'false';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}

type Setter = (key: string, value: string) => void;

async function readFile(file: string, pass: Pass, opts: SshOptions, set: Setter, ctx: BuiltinContext, depth: number, active = true): Promise<void> {
  if (depth > 16) throw new Error(`${file}: Include nested too deeply`);
  const { text, lines, vars } = parsedConfig(file);
  if (ctx.trace) {
    ctx.trace.files.set(file, text);
    for (const v of vars) ctx.trace.vars.add(v);
  }
  let on = active;
  for (const line of lines) {
    if ('error' in line) throw line.error;
    const { key, rest, args, where } = line;
    if (key === 'host') on = active && hostMatches(args, pass.host);
    else if (key === 'match') on = active && (await matchLine(args, pass, opts, ctx, where));
    else if (key === 'include') {
      for (const pattern of args) for (const f of globFiles(expandTilde(pattern, ctx.home), ctx.home, ctx.trace)) await readFile(f, pass, opts, set, ctx, depth + 1, on);
    } else if (on && args.length > 0) {
      set(key, REST_OF_LINE.has(key) ? rest : SEVERAL.has(key) ? args.join(' ') : args[0]!);
    }
  }
}

type ConfigLine = { key: string; rest: string; args: string[]; where: string } | { error: Error };
interface ParsedConfig { text: string; lines: ConfigLine[]; vars: string[] }
/**
 * Config files split into their keyword lines once per text: a run resolves every host through the same files, and
 * splitting a ~/.ssh/config with a Host block per node again for each node made that quadratic (~70 ms of a 100-host
 * run's start). Each lookup still reads the file (a read is cheap), so an edit is seen at once.
 */
const parsedConfigs = new Map<string, ParsedConfig>();

function parsedConfig(file: string): ParsedConfig {
  const text = readFileSync(file, 'utf8');
  const known = parsedConfigs.get(file);
  if (known?.text === text) return known;
  const lines: ConfigLine[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const where = `${file}:${i + 1}`;
    // keyword, then whitespace or one `=` (with optional whitespace around it), then the arguments
    const m = /^\s*([^\s=]+)(?:\s*=\s*|\s+)?(.*)$/.exec(raw);
    if (!m?.[1] || m[1].startsWith('#')) continue;
    const rest = (m[2] ?? '').trim();
    try {
      lines.push({ key: m[1].toLowerCase(), rest, args: splitWords(rest, where), where });
    } catch (e) {
      lines.push({ error: e as Error });
    }
  }
  const vars = [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))];
  const parsed = { text, lines, vars };
  parsedConfigs.set(file, parsed);
  return parsed;
}

/** OpenSSH's argv split for config lines: whitespace, double or single quotes. */
function splitWords(line: string, where: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    if (m[3]?.startsWith('#') && out.length > 0) break;
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  if (/^[^"]*"[^"]*$/.test(line)) throw new Error(`${where}: unbalanced quote`);
  return out;
}

/** `Host` patterns (whitespace-separated; a comma is part of a pattern there): any positive one matches and no negated one does. */
function hostMatches(patterns: string[], host: string): boolean {
  const list = patterns.filter((p) => p !== '');
  if (list.some((p) => p.startsWith('!') && matchWildcard(p.slice(1), host))) return false;
  return list.some((p) => !p.startsWith('!') && matchWildcard(p, host));
}

/** A comma pattern list as match_pattern_list does: a matching negation is a definite no. */
function listMatches(list: string, value: string): boolean {
  return hostMatches(list.split(',').filter((p) => p !== ''), value);
}

async function matchLine(args: string[], pass: Pass, opts: SshOptions, ctx: BuiltinContext, where: string): Promise<boolean> {
  let result = true;
  const host = hostNameOf(opts, pass.original);
  const user = opts.user?.[0] ?? ctx.localUser;
  for (let i = 0; i < args.length; i++) {
    let crit = args[i]!.toLowerCase();
    const negate = crit.startsWith('!');
    if (negate) crit = crit.slice(1);
    let ok: boolean;
    if (ctx.probe && (crit === 'host' || crit === 'exec')) ctx.probe.hostDependent = true;
    if (ctx.trace && (crit === 'exec' || crit === 'localnetwork')) ctx.trace.volatile ??= `Match ${crit}`;
    if (crit === 'all') ok = true;
    else if (crit === 'canonical') ok = pass.final;
    else if (crit === 'final') {
      pass.wantFinal = true;
      ok = pass.final;
    } else {
      const arg = args[++i];
      if (arg === undefined) throw new Error(`${where}: Match ${crit} needs an argument`);
      if (!result) continue; // OpenSSH stops evaluating (and never runs exec) once one criterion failed
      if (crit === 'host') ok = listMatches(arg, host);
      else if (crit === 'originalhost') ok = listMatches(arg, pass.original);
      else if (crit === 'user') ok = listMatches(arg, user);
      else if (crit === 'localuser') ok = listMatches(arg, ctx.localUser);
      else if (crit === 'exec' && ctx.probe) ok = false;
      else if (crit === 'exec') {
        const t: TokenValues = { h: host, n: pass.original, p: opts.port?.[0] ?? '22', r: user, u: ctx.localUser, d: ctx.home };
        const { execa } = await import('execa'); // only here: loading execa costs ~70 ms of every run's start
        const r = await execa('/bin/sh', ['-c', expandPercent(arg, t)], { env: ctx.env, extendEnv: false, stdin: 'ignore', reject: false });
        ok = r.exitCode === 0;
      } else if (crit === 'localnetwork' || crit === 'tagged') ok = false;
      else throw new Error(`${where}: unsupported Match criterion ${JSON.stringify(crit)}`);
    }
    if (negate ? ok : !ok) result = false;
  }
  return result;
}

/** Include paths: relative ones live in ~/.ssh; `*` and `?` in any component. */
function globFiles(pattern: string, home: string, trace?: ConfigTrace): string[] {
  const p = isAbsolute(pattern) ? pattern : join(home, '.ssh', pattern);
  const parts = p.split('/').filter((s) => s !== '');
  let found = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const base of found) {
      if (!/[*?]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      if (!existsSync(base)) {
        trace?.dirs.set(base, null);
        continue;
      }
      const names = readdirSync(base).sort();
      trace?.dirs.set(base, names);
      for (const f of names) if (!f.startsWith('.') && matchWildcard(part, f)) next.push(join(base, f));
    }
    found = next;
  }
  for (const f of found) if (!existsSync(f)) trace?.files.set(f, null);
  return found.filter((f) => existsSync(f));
}

