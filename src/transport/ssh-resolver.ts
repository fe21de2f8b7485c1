// One per run: resolves each host's settings with `ssh -G` (the fallback parser without ssh), a few at a time, cached
// for the run and, while nothing ssh -G reads changes, across runs (ssh-g-cache.ts).
import { homedir, userInfo } from 'node:os';
import { ConnectError } from './errors.js';
import type { HostKeyPolicy } from './known-hosts-store.js';
import { Limiter } from './limiter.js';
import { resolveBuiltin } from './ssh-config.js';
import { findSshBinary, runSshG, type SshLookup, type SshOptions } from './ssh-g.js';
import { readSshGCache, sshGCacheDir, sshGCacheKey, writeSshGCache } from './ssh-g-cache.js';
import { settingsFromOptions, type ResolvedSsh } from './ssh-settings.js';

export interface ResolverOptions {
  /** -F: --ssh-config or PROVISION_SSH_CONFIG; without it ssh reads ~/.ssh/config and /etc/ssh/ssh_config. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  /** `~` and %d, as ssh(1) takes them: the passwd entry's home (not $HOME). */
  home?: string;
  /** The ssh program; null forces the built-in parser. Default: `ssh` on PATH. */
  sshBinary?: string | null;
  /** ssh -G processes at once (each is one process on the laptop). Default 4. */
  concurrency?: number;
  /** Where ssh -G's answers are kept between runs; null keeps none. Default: ~/.cache/provision/ssh-g. */
  cacheDir?: string | null;
}

/** What the inventory says about one destination (values it sets explicitly win, as on ssh's command line). */
export interface ResolveTarget {
  name: string;
  /** Dialled when the config sets no HostName for the name. */
  address?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  proxyJump?: string;
  hostKeys?: HostKeyPolicy;
}

export class SshResolver {
  readonly #cache = new Map<string, Promise<SshOptions>>();
  /** Lookups whose config the cache key already read: whether their answer depends on the address (see #hostDependent). */
  readonly #hostDependence = new Map<string, boolean>();
  readonly #limit: Limiter;
  readonly #env: NodeJS.ProcessEnv;
  readonly #ssh: string | undefined;
  readonly #home: string;
  readonly #localUser: string;
  readonly #cacheDir: string | undefined;

  constructor(readonly options: ResolverOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#ssh = options.sshBinary === null ? undefined : (options.sshBinary ?? findSshBinary(this.#env));
    this.#limit = new Limiter(options.concurrency ?? 4);
    const me = passwd();
    this.#home = options.home ?? me.home;
    this.#localUser = me.user;
    this.#cacheDir = options.cacheDir === null ? undefined : (options.cacheDir ?? sshGCacheDir(this.#env, this.#home));
  }

  get resolver(): ResolvedSsh['resolver'] {
    return this.#ssh ? 'ssh -G' : 'builtin';
  }

  /** Start resolving these targets now (in parallel, within the cap); later resolve() calls reuse the results. */
  prefetch(targets: ResolveTarget[]): void {
    for (const t of targets) this.resolve(t).catch(() => undefined);
  }

  /** The settings `ssh NAME` would use, with the inventory's values as command-line options; dials the address when no HostName is set. */
  async resolve(t: ResolveTarget): Promise<ResolvedSsh> {
    try {
      return await this.#resolve(t);
    } catch (err) {
      // A config error (ssh names the file and line), a bad token, an unset ${VAR}: this host cannot be reached as configured.
      throw new ConnectError(`${t.name}: ${(err as Error).message}`, {
        host: t.name,
        cause: err,
        hint: `fix the ssh config; provision ssh-config ${t.name} -i INVENTORY shows what provision reads`,
      });
    }
  }

  async #resolve(t: ResolveTarget): Promise<ResolvedSsh> {
    const lookup: SshLookup = {
      name: t.name,
      ...(t.user ? { user: t.user } : {}),
      ...(t.port ? { port: t.port } : {}),
      ...(t.identityFile ? { identityFile: t.identityFile } : {}),
      ...(t.proxyJump ? { proxyJump: t.proxyJump } : {}),
      ...(t.hostKeys ? { hostKeys: t.hostKeys } : {}),
      ...(this.options.configFile ? { configFile: this.options.configFile } : {}),
    };
    let opts = await this.#options(lookup);
    if (t.address && t.address.toLowerCase() !== t.name.toLowerCase() && opts.hostname?.[0] === t.name.toLowerCase()) {
      // No HostName: ssh would dial the name; provision dials the address, as `-o HostName=ADDRESS` would. A second
      // ssh -G is needed only when a Match host/exec line or a final pass could see the difference; else the
      // answer is the same with the address filled in (one process per host instead of two).
      opts = (await this.#hostDependent(lookup)) ? await this.#options({ ...lookup, hostName: t.address }) : { ...opts, hostname: [t.address.toLowerCase()] };
    }
    return settingsFromOptions(opts, {
      name: t.name,
      env: this.#env,
      home: this.#home,
      localUser: this.#localUser,
      ...(t.hostKeys ? { hostKeys: t.hostKeys } : {}),
      ...(this.options.configFile ? { configFile: this.options.configFile } : {}),
      resolver: this.resolver,
    });
  }

  async #hostDependent(l: SshLookup): Promise<boolean> {
    if (!this.#ssh) return true; // the built-in parser is cheap: always ask it properly
    const known = this.#hostDependence.get(JSON.stringify(l));
    if (known !== undefined) return known; // the cache key's reading of the config answered it
    const probe = { hostDependent: false };
    await resolveBuiltin(l, { env: this.#env, home: this.#home, localUser: this.#localUser, probe }).catch(() => (probe.hostDependent = true));
    return probe.hostDependent;
  }

  #options(l: SshLookup): Promise<SshOptions> {
    const key = JSON.stringify(l);
    let p = this.#cache.get(key);
    if (!p) {
      const ctx = { env: this.#env, home: this.#home, localUser: this.#localUser };
      p = this.#limit.run(() => (this.#ssh ? this.#sshG(this.#ssh, l) : resolveBuiltin(l, ctx)));
      this.#cache.set(key, p);
    }
    return p;
  }

  /** ssh -G's answer: kept from an earlier run when nothing it reads has changed, else asked (and kept). */
  async #sshG(ssh: string, l: SshLookup): Promise<SshOptions> {
    const dir = this.#cacheDir;
    const probe = { hostDependent: false };
    const key = dir ? await sshGCacheKey(ssh, l, { env: this.#env, home: this.#home, localUser: this.#localUser }, probe) : undefined;
    if (dir) this.#hostDependence.set(JSON.stringify(l), probe.hostDependent);
    const kept = dir && key ? readSshGCache(dir, key) : undefined;
    if (kept) return kept;
    const opts = await runSshG(ssh, l, this.#env);
    if (dir && key) writeSshGCache(dir, key, opts);
    return opts;
  }
}

function passwd(): { home: string; user: string } {
  try {
    const u = userInfo();
    return { home: u.homedir, user: u.username };
  } catch {
    return { home: homedir(), user: process.env.USER ?? 'root' };
  }
}
