// The seam between the engine and a host: everything the runner needs from a connection.
import type { Command } from './command.js';

export interface ExecResult {
  code: number;
  stdout: string;
  /** stdout as it arrived, byte for byte (the probe's file batch is a raw tar stream). */
  stdoutBytes?: Buffer;
  stderr: string;
  /** Set when the process died from a signal or the channel closed without an exit status. */
  signal?: string;
}

export interface ExecOptions {
  /** Abort the command (close the channel) after this many ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One live connection to one host (ssh2 over the network, or a local shell in tests). */
export interface Session {
  readonly host: string;
  /**
   * The connection outlives this run (held by the keeper, --persist). The run lock is tied to the connection, so a run
   * takes it (and makes its changes) on a connection of its own.
   */
  readonly kept?: boolean;
  /** Resolves with exit code and output; rejects only on transport failure (ConnectError, SudoError). */
  exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}
