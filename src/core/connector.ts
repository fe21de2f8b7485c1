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
  /**
   * After the host rebooted: the connection the keeper held to it (--persist, or ControlPersist in the ssh config) died
   * with the old boot, so the keeper opens one to the new boot, for the next run. Nothing when no keeper holds the host.
   */
  keepAgain?(host: Host, inventory: Inventory): Promise<void>;
  closeAll(): Promise<void>;
}

/** Whether an error means "could not reach the host" (vs. a command or a plan failing). */
export function isUnreachable(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'ConnectError' || name === 'HostKeyError' || name === 'AuthError';
}
