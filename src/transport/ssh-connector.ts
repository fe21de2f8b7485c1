// One connector per run: resolves settings, shares ProxyJump hops, pools one connection per host, closes all.
import type { Connector, ConnectOptions } from '../core/connector.js';
import type { Host, Inventory } from '../inventory/types.js';
import type { Secret } from '../core/secret.js';
import { KnownHostsStore, type HostKeyPolicy } from './known-hosts-store.js';
import { KeyedLimiter, Limiter } from './limiter.js';
import { canPrompt, promptSecret } from './prompt-secret.js';
import type { ConnectTarget } from './ssh-target.js';
import type { Session } from '../core/session.js';
import { openClient, type OpenedClient } from './ssh.js';
import { findSshConfigPath } from './ssh-config.js';
import { SshResolver } from './ssh-resolver.js';
import { definedOnly, lookupOf as lookupOfTarget, targetOf } from './ssh-target.js';
import type { ResolvedSsh } from './ssh-settings.js';
import { SshSession } from './ssh-session.js';
import { connectKept, KeptSession, type KeeperUse } from './keeper/keeper-client.js';
import { controlPersistMs } from './keeper/control-persist.js';

export interface ConnectorOptions {
  /** --ssh-config PATH (else PROVISION_SSH_CONFIG; else ssh's own ~/.ssh/config and /etc/ssh/ssh_config). */
  sshConfigPath?: string;
  /** The ssh program for `ssh -G`; null forces the built-in parser. Default: `ssh` on PATH. */
  sshBinary?: string | null;
  /** --host-keys: overrides the inventory and the ssh config. */
  hostKeyPolicy?: HostKeyPolicy;
  becomePassword?: Secret;
  /** Default: the config's ConnectTimeout, else 10 s. */
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Handshakes in flight per sshd endpoint (below sshd's MaxStartups 10). Default 8. */
  maxHandshakesPerTarget?: number;
  /** Channels open per connection (below sshd's MaxSessions 10). Default 9. */
  maxChannelsPerConnection?: number;
  /** Extra attempts on transient connect failures. Default 3. */
  retries?: number;
  retryBaseDelayMs?: number;
  /** Ask for an identity file's passphrase; default: prompt on the TTY when there is one, else give up. */
  askPassphrase?: (file: string) => Promise<Secret | undefined>;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** --persist: the run's connections are the keeper's, held for the next run (not with a ProxyJump, ProxyCommand or become password). */
  keeper?: KeeperUse;
  /** Without --persist: the keeper holds a host's connection when its ssh config says ControlMaster and ControlPersist. */
  keeperBySshConfig?: Omit<KeeperUse, 'idleMs' | 'socketPath'> & { socketPath: () => string | undefined };
}

/** The engine's Connector (core/connector.ts) plus what `provision ssh-config` and the lab need. */
export interface SshConnector extends Connector {
  connectTarget(target: ConnectTarget, opts?: ConnectOptions): Promise<Session>;
  /** Connector.keepAgain for a target. */
  keepAgainTarget(target: ConnectTarget): Promise<void>;
  /** Settings that would be used for a target (`provision ssh-config`, tests). */
  resolve(target: ConnectTarget): Promise<ResolvedSsh>;
  /** known_hosts lines we skipped (e.g. @cert-authority). */
  readonly notes: string[];
}

export function createConnector(options: ConnectorOptions = {}): SshConnector {
  const env = options.env ?? process.env;
  const store = new KnownHostsStore();
  const handshakes = new KeyedLimiter(options.maxHandshakesPerTarget ?? 8);
  const pooled = new Map<string, Promise<SshSession | KeptSession>>();
  const fresh = new Set<SshSession>();
  const hops = new Map<string, Promise<OpenedClient>>();
  const passphrases = new Map<string, Promise<Secret | undefined>>();
  const promptOne = new Limiter(1);
  const configFile = findSshConfigPath({ ...(options.sshConfigPath ? { flag: options.sshConfigPath } : {}), env });
  const resolver = new SshResolver({
    env,
    ...(configFile ? { configFile } : {}),
    ...(options.home ? { home: options.home } : {}),
    ...(options.sshBinary !== undefined ? { sshBinary: options.sshBinary } : {}),
  });
  const prefetched = new WeakSet<Inventory>();
  const passphraseFor = (file: string) => {
    let p = passphrases.get(file);
    if (!p) {
      const ask = options.askPassphrase ?? (canPrompt() ? (f: string) => promptSecret(`Enter passphrase for key '${f}': `) : undefined);
      p = ask ? promptOne.run(() => ask(file)) : Promise.resolve(undefined);
      passphrases.set(file, p);
    }
    return p;
  };
  const lookupOf = (target: ConnectTarget) => lookupOfTarget(target, options.hostKeyPolicy);
  const resolve = (target: ConnectTarget): Promise<ResolvedSsh> => resolver.resolve(lookupOf(target));
  const common = (settings: ResolvedSsh, label: string, connectTimeoutMs?: number) => ({
    settings,
    label,
    store,
    handshakes,
    connectTimeoutMs: connectTimeoutMs ?? options.connectTimeoutMs ?? settings.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
    retries: options.retries ?? 3,
    ...(options.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: options.retryBaseDelayMs } : {}),
    passphraseFor,
    env,
  });

  /** Connect through the hop chain; each hop is verified against known_hosts and shared by every host behind it. */
  const connectChain = async (settings: ResolvedSsh, forHost: string, depth: number): Promise<OpenedClient | undefined> => {
    if (depth > 8) throw new Error(`${forHost}: ProxyJump chain is too long or loops`);
    let via: OpenedClient | undefined;
    for (const [i, spec] of settings.proxyJump.entries()) {
      // Each hop is resolved by its own `ssh -G` (as `ssh -J` would); later hops are reached through the earlier ones.
      const hopSettings = await resolver.resolve(
        definedOnly({ name: spec.host, user: spec.user, port: spec.port, hostKeys: options.hostKeyPolicy, ...(i > 0 ? { proxyJump: 'none' } : {}) }),
      );
      const parent = i === 0 ? await connectChain(hopSettings, forHost, depth + 1) : via;
      const key = `${parent ? `${parent.key}>` : ''}${hopSettings.user}@${hopSettings.hostname}:${hopSettings.port}`;
      let hop = hops.get(key);
      if (!hop) {
        hop = openClient({ ...common(hopSettings, `${spec.host} (ProxyJump hop for ${forHost})`), ...(parent ? { via: parent } : {}) });
        hops.set(key, hop);
        hop.then(
          (h) => h.client.on('close', () => hops.delete(key)).on('error', () => undefined),
          () => hops.delete(key),
        );
      }
      via = await hop;
    }
    return via;
  };

  const open = async (target: ConnectTarget, connectTimeoutMs?: number, onDial?: () => void): Promise<SshSession> => {
    const settings = await resolve(target);
    const via = await connectChain(settings, target.name, 0);
    const { client } = await openClient({ ...common(settings, target.name, connectTimeoutMs), ...(via ? { via } : {}), ...(onDial ? { onDial } : {}) });
    const becomePassword = target.becomePassword ?? options.becomePassword;
    return new SshSession({
      host: target.name,
      user: settings.user,
      client,
      maxChannels: options.maxChannelsPerConnection ?? 9,
      ...(becomePassword ? { becomePassword } : {}),
    });
  };

  /** The keeper's connection to this host, when a keeper is to hold it and could connect; else undefined. */
  const openKept = async (target: ConnectTarget, dial: () => void): Promise<KeptSession | undefined> => {
    const settings = await resolve(target);
    const bySsh = options.keeperBySshConfig;
    const persistMs = bySsh ? controlPersistMs(settings.options) : undefined;
    const socketPath = bySsh && persistMs ? bySsh.socketPath() : undefined;
    const keeper = options.keeper ?? (bySsh && persistMs && socketPath ? { ...bySsh, socketPath, idleMs: persistMs } : undefined);
    const becomePassword = target.becomePassword ?? options.becomePassword;
    if (!keeper || settings.proxyJump.length > 0 || settings.proxyCommand || becomePassword) return undefined;
    dial();
    const { connectTimeoutMs, retries } = common(settings, target.name);
    return connectKept(keeper, {
      settings,
      label: target.name,
      connectTimeoutMs,
      // A kept connection that died between runs is found sooner than a run's own (15 s).
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 5_000,
      retries,
      maxChannels: options.maxChannelsPerConnection ?? 9,
      direct: () => connectTarget(target, { fresh: true }),
    });
  };

  /** Through the keeper when it can hold this connection; else (or when it could not connect) directly. */
  const openPooled = async (target: ConnectTarget, onDial?: () => void): Promise<SshSession | KeptSession> => {
    let dialed = false;
    const dial = () => {
      if (!dialed) onDial?.();
      dialed = true;
    };
    return (await openKept(target, dial)) ?? open(target, undefined, dial);
  };

  const connectTarget = async (target: ConnectTarget, opts: ConnectOptions = {}): Promise<Session> => {
    if (opts.fresh) {
      const s = await open(target, opts.connectTimeoutMs, opts.onDial);
      fresh.add(s);
      return s;
    }
    const existing = pooled.get(target.name);
    if (existing) {
      const s = await existing.catch(() => undefined);
      if (s?.alive) return s;
    }
    const p = options.keeper || options.keeperBySshConfig ? openPooled(target, opts.onDial) : open(target, undefined, opts.onDial);
    pooled.set(target.name, p);
    p.catch(() => pooled.delete(target.name));
    return p;
  };

  const keepAgainTarget = async (target: ConnectTarget): Promise<void> => {
    const before = await pooled.get(target.name)?.catch(() => undefined);
    if (!(before instanceof KeptSession)) return;
    // The keeper finds its connection to the host dead and opens another; a session that had gone direct (its
    // command found the kept connection gone) closes its own connection here. No keeper, no connection: nothing.
    const kept = await openKept(target, () => undefined);
    if (!kept) return;
    pooled.set(target.name, Promise.resolve(kept));
    await before.close();
  };

  return {
    keepAgain: (host, inventory) => keepAgainTarget(targetOf(host, inventory)),
    keepAgainTarget,
    connect: (host, inventory, opts) => {
      // The first host of an inventory resolves them all (ssh -G, a few at a time), so later connects find theirs ready.
      if (!prefetched.has(inventory)) {
        prefetched.add(inventory);
        resolver.prefetch(inventory.hosts.map((h) => lookupOf(targetOf(h, inventory))));
      }
      return connectTarget(targetOf(host, inventory), opts);
    },
    connectTarget,
    resolve,
    notes: store.notes,
    async closeAll() {
      const sessions = await Promise.all([...pooled.values()].map((p) => p.catch(() => undefined)));
      await Promise.all([...sessions, ...fresh].map((s) => s?.close()));
      pooled.clear();
      fresh.clear();
      const clients = await Promise.all([...hops.values()].map((p) => p.catch(() => undefined)));
      for (const c of clients.reverse()) c?.client.end();
      hops.clear();
    },
  };
}

/** Open one connection outside any run (closing the session also closes its hops). */
export async function connect(target: ConnectTarget, options: ConnectorOptions = {}): Promise<Session> {
  const connector = createConnector(options);
  const session = await connector.connectTarget(target, { fresh: true });
  return {
    host: session.host,
    exec: (cmd, opts) => session.exec(cmd, opts),
    close: () => connector.closeAll(),
  };
}

export { targetOf };
