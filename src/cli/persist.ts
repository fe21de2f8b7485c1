// `provision persist [status|stop] [--json]`: the SSH connections kept between runs (--persist, or the user's
// ControlMaster and ControlPersist), shown or closed, as `ssh -O check` and `ssh -O exit` do for OpenSSH's masters.
import { escapeControl } from '../core/escape.js';
import { UsageError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';
import { formatDuration, plural } from '../report/text.js';
import { keeperSocketPath, keeperStatus, stopKeeper } from '../transport/keeper/keeper-client.js';
import { keeperIdentity } from '../transport/keeper/frames.js';
import type { KeptConnection } from '../transport/keeper/keeper-server.js';
import { defineVerb, parseVerbArgs } from './args.js';

export const spec = defineVerb({
  name: 'persist',
  options: {
    json: { type: 'boolean' },
  },
  positionals: true,
  help: `usage: provision persist [status | stop] [--json]

The SSH connections that runs keep open between them (a run's persist flag, or your ssh config's
ControlMaster and ControlPersist for a host: 'provision help up', docs/ssh.md). A run within a connection's
persist time execs on it instead of logging in again. They are held by this user's connection keeper, one
per network namespace, which exits once it holds none.
  status             (the default) each kept connection: host, login, how long it has been open, since its
                     last use, and when it closes
  stop               close every kept connection now and end the keeper (as 'ssh -O exit' ends a master)
  --json             status: {"keeper":{"pid":N,"socket":PATH} or null,"connections":[{"host":...,"user":...,
                     "address":...,"port":N,"openMs":N,"idleMs":N,"closesInMs":N,"running":N}]} (the keeper has
                     "otherBuild", that build, when another build of provision started it; one that cannot list
                     lists nothing); stop: {"stopped":BOOL}
  -h, --help         this text
Exit status: 0 shown or stopped (also when nothing was kept), 64 usage error.`,
});

/** A connection as status prints it, its times relative to now. */
export interface ConnectionView {
  host: string;
  user: string;
  address: string;
  port: number;
  openMs: number;
  idleMs: number;
  /** Until its persist time has passed since its last use; while a command runs on it, its whole persist time. */
  closesInMs: number;
  running: number;
}

export function viewOf(c: KeptConnection, now: number): ConnectionView {
  return {
    host: c.host,
    user: c.user,
    address: c.address,
    port: c.port,
    openMs: Math.max(0, now - c.since),
    idleMs: c.running > 0 ? 0 : Math.max(0, now - c.lastUsed),
    closesInMs: c.running > 0 ? c.persistMs : Math.max(0, c.lastUsed + c.persistMs - now),
    running: c.running,
  };
}

/** One line a connection: "NAME  pi@10.4.0.10:22  open 12m03s  idle 41s  closes in 29m19s". */
export function renderConnections(views: ConnectionView[]): string[] {
  const width = Math.max(0, ...views.map((v) => v.host.length));
  const login = (v: ConnectionView) => escapeControl(`${v.user}@${v.address}:${v.port}`);
  const loginWidth = Math.max(0, ...views.map((v) => login(v).length));
  return [...views]
    .sort((a, b) => a.host.localeCompare(b.host))
    .map((v) => {
      const use = v.running > 0 ? `${plural(v.running, 'command')} running` : `idle ${formatDuration(v.idleMs)}`;
      return `${escapeControl(v.host).padEnd(width)}  ${login(v).padEnd(loginWidth)}  open ${formatDuration(v.openMs)}  ${use}  closes in ${formatDuration(v.closesInMs)}`;
    });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  const [action = 'status', ...extra] = positionals;
  if (action !== 'status' && action !== 'stop') throw new UsageError(`unknown persist action '${action}'`, "it is 'status' (the default) or 'stop'");
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const socketPath = keeperSocketPath();
  const out = (text: string) => process.stdout.write(`${text}\n`);

  if (action === 'stop') {
    const held = socketPath ? await keeperStatus(socketPath) : undefined;
    const stopped = socketPath ? await stopKeeper(socketPath) : false;
    if (values.json) out(JSON.stringify({ stopped }));
    else if (!stopped) out('no connections kept: no keeper is running');
    else out(held?.connections ? `closed ${plural(held.connections.length, 'kept connection')} (keeper ${held.pid} stopped)` : 'the keeper stopped');
    return EXIT.ok;
  }

  const status = socketPath ? await keeperStatus(socketPath) : undefined;
  const now = Date.now();
  const views = (status?.connections ?? []).map((c) => viewOf(c, now));
  // A keeper another build of provision started: the next run of this build replaces it; one too old to list lists nothing.
  const otherBuild = status !== undefined && status.identity !== keeperIdentity();
  const cannotList = status !== undefined && status.connections === undefined;
  if (values.json) {
    out(JSON.stringify({ keeper: status ? { pid: status.pid, socket: socketPath, ...(otherBuild ? { otherBuild: status.identity } : {}) } : null, connections: views }));
    return EXIT.ok;
  }
  if (!status) {
    out(socketPath ? 'no connections kept: no keeper is running' : 'no connections kept: no private directory for the keeper (docs/ssh.md)');
    return EXIT.ok;
  }
  if (cannotList) {
    out(`a keeper of another build of provision (pid ${status.pid}, ${escapeControl(status.identity)}) holds the connections it was given; this build cannot list them`);
    out("  'provision persist stop' closes them; the next run of this build replaces it anyway");
    return EXIT.ok;
  }
  const whose = otherBuild ? ` of another build of provision: ${escapeControl(status.identity)},` : ',';
  out(`${plural(views.length, 'kept connection')} (keeper ${status.pid}${whose} ${escapeControl(socketPath!)})`);
  for (const line of renderConnections(views)) out(`  ${line}`);
  if (otherBuild) out('  the next run of this build replaces that keeper: these close then, and that run logs in again');
  return EXIT.ok;
}
