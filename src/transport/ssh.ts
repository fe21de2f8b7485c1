// The only place that speaks SSH: open a verified, authenticated ssh2 connection (direct or via a hop).
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { Client } from './ssh2-lib.js';
import { skipHostKeysProve } from './skip-hostkeys-prove.js';
import type { Client as ClientType, ConnectConfig } from 'ssh2';
import type { Secret } from '../core/secret.js';
import { AuthError, ConnectError, HostKeyError, TransportError } from './errors.js';
import { knownHostsName, keyTypeOfBlob } from './known-hosts.js';
import type { KnownHostsStore } from './known-hosts-store.js';
import type { KeyedLimiter } from './limiter.js';
import { isHandshakeDrop, isTransientCause, withRetries } from './retry.js';
import { createAuthHandler, type AuthTrail } from './ssh-auth.js';
import { orderHostKeyAlgorithms } from './host-key-algorithms.js';
import { proxyCommandStream } from './proxy-command.js';
import { coalesceWrites } from './coalesce-writes.js';
import type { ResolvedSsh } from './ssh-settings.js';

export interface OpenClientOptions {
  settings: ResolvedSsh;
  /** Name used in errors: the inventory host, or "bastion (hop for k8s-cp-01)". */
  label: string;
  /** Tunnel through this already-connected hop. */
  via?: { client: ClientType; key: string };
  store: KnownHostsStore;
  handshakes: KeyedLimiter;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  retries: number;
  retryBaseDelayMs?: number;
  passphraseFor?: (file: string) => Promise<Secret | undefined>;
  /** Environment of a ProxyCommand. */
  env?: NodeJS.ProcessEnv;
  /** Called when the first attempt starts its TCP connect (see ConnectOptions.onDial). */
  onDial?: () => void;
}

export interface OpenedClient {
  client: ClientType;
  /** Identifies this sshd endpoint (through its hops), for handshake limits and hop sharing. */
  key: string;
}

const MIN_ATTEMPT_MS = 500;
/** Enough attempts that the connect deadline (not this count) ends the retries of dropped handshakes. */
const HANDSHAKE_DROP_RETRIES = 30;

/** Connect one hop with retries on transient failures; host key and auth failures are final. */
export async function openClient(opts: OpenClientOptions): Promise<OpenedClient> {
  const s = opts.settings;
  const key = `${opts.via ? `${opts.via.key}>` : ''}${s.user}@${s.hostname}:${s.port}`;
  const limiter = opts.handshakes.get(`${opts.via ? `${opts.via.key}>` : ''}${s.hostname}:${s.port}`);
  // HostKeyAlias is looked up as it is, without a port; else [address]:port, and the port-less name read-only (OpenSSH).
  const lookup = hostKeyNames(s);
  const known = await opts.store.preferredKeyTypes(lookup.name, [...s.userKnownHostsFiles, ...s.globalKnownHostsFiles], lookup.portlessName);
  const algorithms = orderHostKeyAlgorithms(s.options.hostkeyalgorithms?.[0]?.split(','), known);
  // connectTimeoutMs bounds the whole connect, retries included, from the first attempt's start (time
  // queued behind our own handshake limit does not count): a blackholed host fails in that time, not 4x it.
  let deadline: number | undefined;
  const client = await withRetries(
    () =>
      limiter.run(() => {
        deadline ??= Date.now() + opts.connectTimeoutMs;
        return attemptOnce(opts, lookup, algorithms, Math.max(1, deadline - Date.now()));
      }),
    {
      retries: opts.retries,
      // Dropped before the banner (MaxStartups): keep trying until the connect deadline.
      retriesFor: (err) => (isHandshakeDrop(err) && opts.retries > 0 ? HANDSHAKE_DROP_RETRIES : undefined),
      ...(opts.retryBaseDelayMs !== undefined ? { baseDelayMs: opts.retryBaseDelayMs } : {}),
      // A retry needs some time of its own to be worth starting.
      deadline: () => (deadline === undefined ? undefined : deadline - MIN_ATTEMPT_MS),
    },
  );
  return { client, key };
}

/** The known_hosts names for one connection. */
export function hostKeyNames(s: Pick<ResolvedSsh, 'hostKeyAlias' | 'hostname' | 'port'>): { name: string; portlessName?: string } {
  if (s.hostKeyAlias) return { name: s.hostKeyAlias };
  const name = knownHostsName(s.hostname, s.port);
  return s.port === 22 ? { name } : { name, portlessName: knownHostsName(s.hostname) };
}

async function attemptOnce(opts: OpenClientOptions, lookup: { name: string; portlessName?: string }, algorithms: string[], timeoutMs: number): Promise<ClientType> {
  const s = opts.settings;
  const started = Date.now();
  const dialling = openSocket(opts, timeoutMs);
  opts.onDial?.();
  const sock = await dialling.catch((err: Error) => {
    throw classify(err, opts, { tried: [], skipped: [] });
  });
  const client = new Client();
  const trail: AuthTrail = { tried: [], skipped: [] };
  let hostKeyError: HostKeyError | undefined;
  const config: ConnectConfig = {
    sock: sock as ConnectConfig['sock'],
    username: s.user,
    readyTimeout: Math.max(1, timeoutMs - (Date.now() - started)),
    keepaliveInterval: opts.keepaliveIntervalMs,
    keepaliveCountMax: 3,
    authHandler: createAuthHandler(
      { user: s.user, identitiesOnly: s.identitiesOnly, identityFiles: s.identityFiles, ...(s.agent ? { agent: s.agent } : {}), ...(opts.passphraseFor ? { passphraseFor: opts.passphraseFor } : {}) },
      trail,
    ),
    hostVerifier: (blob: Buffer, verify: (ok: boolean) => void) => {
      let keyType: string;
      try {
        keyType = keyTypeOfBlob(blob);
      } catch (err) {
        hostKeyError = new HostKeyError(`${opts.label}: unreadable host key`, { host: opts.label, problem: 'unknown', cause: err });
        return verify(false);
      }
      opts.store
        .verify({
          host: opts.label,
          name: lookup.name,
          ...(lookup.portlessName ? { portlessName: lookup.portlessName } : {}),
          keyType,
          key: blob.toString('base64'),
          policy: s.hostKeyPolicy,
          userFiles: s.userKnownHostsFiles,
          globalFiles: s.globalKnownHostsFiles,
          hashNew: s.hashKnownHosts,
        })
        .then(
          () => verify(true),
          (err: unknown) => {
            hostKeyError =
              err instanceof HostKeyError
                ? err
                : new HostKeyError(`${opts.label}: could not check the host key: ${(err as Error).message}`, { host: opts.label, problem: 'unknown', cause: err });
            verify(false);
          },
        );
    },
    algorithms: { serverHostKey: algorithms } as ConnectConfig['algorithms'],
  };
  return new Promise<ClientType>((resolve, reject) => {
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      client.removeAllListeners('ready');
      client.on('error', () => undefined); // late errors from a dead attempt must not crash the run
      client.end();
      sock.destroy();
      reject(hostKeyError ?? classify(err, opts, trail));
    };
    client.once('ready', () => {
      if (done) return;
      done = true;
      resolve(client);
    });
    client.on('error', fail);
    client.once('close', () => fail(Object.assign(new Error('Connection lost before handshake'), { level: 'protocol' })));
    client.connect(config);
    skipHostKeysProve(client);
  });
}

async function openSocket(opts: OpenClientOptions, timeoutMs: number): Promise<Duplex> {
  const s = opts.settings;
  if (opts.via) {
    // The hop's own TCP connect to a blackholed target would take minutes: bound it like a direct connect.
    return new Promise<Duplex>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }));
      }, timeoutMs);
      opts.via!.client.forwardOut('127.0.0.1', 0, s.hostname, s.port, (err, stream) => {
        clearTimeout(timer);
        if (late) return void stream?.destroy();
        if (!err) return resolve(stream);
        // "Connection refused" from the hop: the target's sshd may be restarting, worth a retry.
        const refused = /refused|connect failed|timed out|unreachable/i.test(err.message);
        reject(
          new ConnectError(`${opts.label}: the hop could not reach ${s.hostname}:${s.port}: ${err.message}`, {
            host: opts.label,
            cause: err,
            transient: refused,
          }),
        );
      });
    });
  }
  if (s.proxyCommand) return proxyCommandStream(s.proxyCommand, { label: opts.label, env: opts.env ?? process.env });
  const sock = coalesceWrites(netConnect({ host: s.hostname, port: s.port }));
  sock.setNoDelay(true); // Nagle adds ~40 ms per exchange (DESIGN §5)
  sock.setKeepAlive(true, 15_000);
  return sock;
}

function classify(err: Error, opts: OpenClientOptions, trail: AuthTrail): TransportError {
  if (err instanceof TransportError) return err;
  const s = opts.settings;
  const e = err as Error & { level?: string; code?: string };
  const where = `${s.user}@${s.hostname}:${s.port}`;
  if (e.level === 'client-authentication') {
    const tried = trail.tried.length ? `tried ${trail.tried.join(', ')}` : 'no key was available to offer';
    const skipped = trail.skipped.length ? `; ${trail.skipped.join('; ')}` : '';
    return new AuthError(`${opts.label}: authentication failed for ${where} (${tried}${skipped})`, {
      host: opts.label,
      cause: err,
      hint: `make sure ${s.user}'s authorized_keys on the host holds one of these keys, or set ssh.user / ssh.identityFile in the inventory`,
    });
  }
  if (e.level === 'client-timeout') {
    return new ConnectError(`${opts.label}: no SSH answer from ${where} within ${seconds(opts.connectTimeoutMs)} (connect timeout)`, {
      host: opts.label,
      cause: err,
      transient: true,
      hint: 'is the host up and sshd running? (check the address, routes and firewall; --connect-timeout sets the bound)',
    });
  }
  const transient = isTransientCause(err);
  return new ConnectError(`${opts.label}: cannot connect to ${where}: ${e.code ?? e.message}`, {
    host: opts.label,
    cause: err,
    transient,
    hint: 'is the host up and sshd running? (check the address, routes and firewall)',
  });
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
