// How the engine gets sessions: an interface, so the runner is tested with in-memory sessions.
import type { Host, Inventory } from '../inventory/types.js';
import type { Session } from './session.js';

export interface ConnectOptions {
  /** A new connection outside the pool (the guarded step's confirmation, after a reboot). The caller closes it. */
  fresh?: boolean;
  /** Bounds this connection's own handshake (retries included; the guarded step's confirm window) instead of the run's connect timeout; hops keep theirs. */
  connectTimeoutMs?: number;
  /** Called once this connection's TCP connect has been started: a caller can then do other work during the handshake. */
  onDial?: () => void;
}

export interface Connector {
  connect(host: Host, inventory: Inventory, opts?: ConnectOptions): Promise<Session>;
  closeAll(): Promise<void>;
}

/** Whether an error means "could not reach the host" (vs. a command or a plan failing). */
export function isUnreachable(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'ConnectError' || name === 'HostKeyError' || name === 'AuthError';
}
