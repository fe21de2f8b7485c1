// An in-process ssh2 Server on 127.0.0.1 for rootless transport tests: real handshakes, exec via local sh, forwarding.
import { spawn } from 'node:child_process';
import { connect as netConnect, createServer as createNetServer, type AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey } from 'ssh2';

export interface TestServerOptions {
  /** OpenSSH-format private host key (ssh2.utils.generateKeyPairSync). */
  hostKey: string;
  /** Public keys allowed to log in (OpenSSH one-line format). */
  authorizedKeys: string[];
  /** Refuse session channels beyond this many open at once (like sshd MaxSessions). */
  maxSessions?: number;
  /** Free a session slot this long after its channel closed (OpenSSH frees it only once it reaped the child). */
  sessionReleaseDelayMs?: number;
  /** Allow direct-tcpip (ProxyJump through this server). */
  allowForwarding?: boolean;
  /** Never answer a direct-tcpip request (a hop whose TCP connect to the target hangs: a blackhole behind it). */
  holdForwards?: boolean;
  /** Environment for exec'd commands. */
  env?: NodeJS.ProcessEnv;
  port?: number;
  /**
   * Answer an exec in the same tick (success, data, exit-status, EOF, close written together), so the client
   * receives them in one TCP read — as a loaded sshd does. Return undefined to run the command with sh.
   */
  instantReply?: (command: string) => { stdout: string; code: number } | undefined;
}

export interface TestServerStats {
  connections: number;
  authenticated: number;
  /** Highest number of connections that were connected but not yet authenticated at once. */
  maxPreAuth: number;
  maxOpenSessions: number;
  refusedSessions: number;
  commands: string[];
  forwards: string[];
}

export interface TestServer {
  port: number;
  stats: TestServerStats;
  /** Drop every live connection (simulates a network cut or a reboot). */
  dropAll(): void;
  stop(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions): Promise<TestServer> {
  const allowed: ParsedKey[] = opts.authorizedKeys.map((k) => {
    const p = ssh2.utils.parseKey(k);
    if (p instanceof Error) throw p;
    return Array.isArray(p) ? p[0]! : p;
  });
  const stats: TestServerStats = { connections: 0, authenticated: 0, maxPreAuth: 0, maxOpenSessions: 0, refusedSessions: 0, commands: [], forwards: [] };
  const live = new Set<Connection>();
  let preAuth = 0;
  const server = new ssh2.Server({ hostKeys: [opts.hostKey] }, (client) => {
    stats.connections++;
    live.add(client);
    preAuth++;
    stats.maxPreAuth = Math.max(stats.maxPreAuth, preAuth);
    let counted = true;
    const leavePreAuth = () => {
      if (counted) preAuth--;
      counted = false;
    };
    let openSessions = 0;
    client.on('error', () => undefined);
    client.on('close', () => {
      leavePreAuth();
      live.delete(client);
    });
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const key = allowed.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
      if (!key) return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      stats.authenticated++;
      leavePreAuth();
      client.on('session', (accept, reject) => {
        if (opts.maxSessions !== undefined && openSessions >= opts.maxSessions) {
          stats.refusedSessions++;
          return reject();
        }
        openSessions++;
        stats.maxOpenSessions = Math.max(stats.maxOpenSessions, openSessions);
        const session = accept();
        session.on('close', () => {
          if (opts.sessionReleaseDelayMs) setTimeout(() => openSessions--, opts.sessionReleaseDelayMs);
          else openSessions--;
        });
        session.once('exec', (acceptExec, _rejectExec, info) => {
          stats.commands.push(info.command);
          const instant = opts.instantReply?.(info.command);
          if (instant) {
            // Corked: success, data, exit-status, EOF and close leave in one write, so the client reads them at once.
            const sock = (client as unknown as { _sock: import('node:net').Socket })._sock;
            sock.cork();
            const stream = acceptExec();
            stream.write(instant.stdout);
            stream.exit(instant.code);
            stream.end();
            process.nextTick(() => sock.uncork());
            return;
          }
          const stream = acceptExec();
          const child = spawn('sh', ['-c', info.command], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
          stream.pipe(child.stdin).on('error', () => undefined);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          stream.on('close', () => child.kill('SIGKILL'));
          child.on('close', (code, signal) => {
            if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
            else stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
      client.on('tcpip', (accept, reject, info) => {
        if (!opts.allowForwarding) return reject();
        stats.forwards.push(`${info.destIP}:${info.destPort}`);
        if (opts.holdForwards) return;
        const sock = netConnect(info.destPort, info.destIP);
        sock.once('connect', () => {
          const ch = accept();
          ch.pipe(sock).pipe(ch);
          ch.on('close', () => sock.destroy());
          sock.on('close', () => ch.close());
        });
        sock.once('error', () => reject());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    stats,
    dropAll: () => {
      for (const c of live) c.end();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of live) c.end();
        server.close(() => resolve());
      }),
  };
}

/** A port that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A stand-in `sudo` for -S -p PROMPT -- CMD or -n -- CMD: modes nopass | password | expired | notallowed
 * (FAKE_SUDO_MODE). With -n, as sudo, it never prompts nor reads stdin: a password it wants is an error.
 */
export const FAKE_SUDO = `#!/bin/sh
if [ "$1" = -n ]; then
  shift; [ "$1" = -- ] && shift
  case "$FAKE_SUDO_MODE" in
    nopass) exec "$@" ;;
    notallowed) echo "tester is not in the sudoers file.  This incident will be reported." >&2; exit 1 ;;
    *) echo "sudo: a password is required" >&2; exit 1 ;;
  esac
fi
[ "$1" = -S ] || exit 97; shift
[ "$1" = -p ] || exit 97; prompt=$2; shift 2
[ "$1" = -- ] && shift
case "$FAKE_SUDO_MODE" in
  nopass) ;;
  notallowed) echo "tester is not in the sudoers file.  This incident will be reported." >&2; exit 1 ;;
  expired) printf '%s' "$prompt" >&2; IFS= read -r pw; echo "You are required to change your password immediately (administrator enforced)." >&2; printf 'Current password: ' >&2; IFS= read -r pw; exit 1 ;;
  *) tries=0
     while :; do
       printf '%s' "$prompt" >&2
       IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
       [ "$pw" = "$FAKE_SUDO_PASSWORD" ] && break
       tries=$((tries+1)); [ $tries -ge 3 ] && { echo "sudo: 3 incorrect password attempts" >&2; exit 1; }
       echo "Sorry, try again." >&2
     done ;;
esac
exec "$@"
`;
