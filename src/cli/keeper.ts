// `provision __keeper SOCKET IDLE_MS`: the connection keeper's process, started detached by a run with --persist
// (transport/keeper/). Not a verb a user types; it exits on its own after IDLE_MS without a request.
import { startKeeper } from '../transport/keeper/keeper-server.js';

export async function run(argv: string[]): Promise<number> {
  const [socketPath, idle] = argv;
  const idleMs = Number(idle);
  if (!socketPath || !Number.isFinite(idleMs) || idleMs <= 0) {
    process.stderr.write('usage: provision __keeper SOCKET IDLE_MS (internal: a run with --persist starts it)\n');
    return 2;
  }
  process.on('SIGHUP', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      startKeeper({ socketPath, idleMs, onExit: resolve }).catch(reject);
    });
    return 0;
  } catch {
    return 1; // another keeper already listens there
  }
}
