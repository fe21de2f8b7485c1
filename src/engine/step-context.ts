// What one step's execution shares with the multi-exec steps: the apply context, step errors, and mustExec.
import { briefCommand, type Command } from '../core/command.js';
import type { Connector } from '../core/connector.js';
import type { ExecResult, Session } from '../core/session.js';
import type { Host, Inventory } from '../inventory/types.js';
import { redactSecretOutput } from './redact.js';
import type { ProviderOutputs } from './templates.js';

export interface ApplyContext {
  host: Host;
  inventory: Inventory;
  /** The host's current session (a reboot replaces it through `replaceSession`). */
  session: Session;
  connector: Connector;
  providers: ProviderOutputs;
  /** Called after a reboot with the new session: the runner re-takes the lock on it. */
  replaceSession(session: Session): Promise<void>;
  /** Tests shorten the reboot poll interval. */
  pollMs?: number;
}

export class StepError extends Error {
  constructor(
    message: string,
    readonly output?: string,
    /** The failure itself already shows the host going down (systemd refusing a job next to the shutdown's stop jobs). */
    readonly hostGoingDown = false,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

const MAX_OUTPUT = 4000;

export function trimOutput(text: string): string {
  const t = text.trim();
  return t.length > MAX_OUTPUT ? `${t.slice(0, MAX_OUTPUT)}\n… (${t.length - MAX_OUTPUT} more characters)` : t;
}

/**
 * systemctl's refusal while the host's systemd is stopping units (a reboot or power-off under way): a job that
 * would start a unit is "destructive" next to the queued stop jobs.
 */
const SHUTDOWN_REFUSAL = /Transaction for \S+ is destructive \(\S+ has 'stop' job queued/;

/** Run a command; a non-zero exit becomes a StepError that names the command (a secret step shows only its redacted stderr). */
export async function mustExec(session: Session, cmd: Command, what: string, secret = false): Promise<ExecResult> {
  const r = await session.exec(cmd);
  if (r.code !== 0) {
    const detail = secret ? trimOutput(redactSecretOutput(r.stderr)) : trimOutput(r.stderr || r.stdout);
    const goingDown = SHUTDOWN_REFUSAL.test(r.stderr);
    const hint = goingDown ? '\n(systemd is stopping units: is the host shutting down or rebooting?)' : '';
    throw new StepError(`${what} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${briefCommand(cmd)}${detail ? `\n${detail}` : ''}${hint}`, undefined, goingDown);
  }
  return r;
}
