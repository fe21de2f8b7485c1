// Executes one step of a change on a host: the only place that changes hosts (writes, deletes, commands...).
import { briefCommand, Secret, shell, type Command } from '../transport/command.js';
import type { ExecResult, Session } from '../transport/session.js';
import { ConnectError } from '../transport/errors.js';
import type { Host } from '../inventory/types.js';
import { runFetch, runGuarded, runReboot } from './special-steps.js';
import { resolveContent, type ProviderOutputs } from './templates.js';
import type { Step } from './types.js';
import { deleteScript, WRITE_EXIT, writeScript } from './write-step.js';
import { redactSecretOutput } from './redact.js';
import type { Connector } from './connector.js';
import type { Inventory } from '../inventory/types.js';

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

/** Run a command; a non-zero exit becomes a StepError that names the command (a secret step shows only its redacted stderr). */
export async function mustExec(session: Session, cmd: Command, what: string, secret = false): Promise<ExecResult> {
  const r = await session.exec(cmd);
  if (r.code !== 0) {
    const detail = secret ? trimOutput(redactSecretOutput(r.stderr)) : trimOutput(r.stderr || r.stdout);
    throw new StepError(`${what} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): ${briefCommand(cmd)}${detail ? `\n${detail}` : ''}`);
  }
  return r;
}

export async function applyStep(step: Step, ctx: ApplyContext): Promise<{ output?: string }> {
  switch (step.kind) {
    case 'write': {
      const { bytes, secret } = await resolveContent(step.content, ctx.providers);
      const script = writeScript({ path: step.path, content: bytes, mode: step.mode, owner: step.owner, group: step.group, validate: step.validate, backup: step.backup });
      const stdin = secret ? new Secret(bytes.toString('utf8')) : bytes;
      const r = await ctx.session.exec(shell(script, { sudo: true, stdin })).catch((e: unknown) => {
        // The script only renames a complete, checksummed temp file: whatever the cut, the file is whole.
        if ((e as Error).name !== 'ConnectError') throw e;
        throw new ConnectError(`${ctx.host.name}: connection lost while writing ${step.path}; the file holds its old or its new content, never a part (run again to converge)`, { host: ctx.host.name, cause: e });
      });
      if (r.code === WRITE_EXIT.validate) throw new StepError(`validation of ${step.path} failed (${step.validate?.join(' ')}); the live file is unchanged\n${trimOutput(r.stderr)}`);
      if (r.code === WRITE_EXIT.truncated) throw new StepError(`writing ${step.path}: the content arrived incomplete; the live file is unchanged`);
      if (r.code !== 0) throw new StepError(`writing ${step.path} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}); the live file is unchanged${r.stderr.trim() ? `\n${trimOutput(r.stderr)}` : ''}`);
      return {};
    }
    case 'delete':
      await mustExec(ctx.session, shell(deleteScript(step.path), { sudo: true }), `deleting ${step.path}`);
      return {};
    case 'exec': {
      const r = await mustExec(ctx.session, step.command, 'command', step.secret);
      return step.secret ? {} : { output: trimOutput(r.stdout) };
    }
    case 'guarded':
      await runGuarded(step, ctx);
      return {};
    case 'reboot':
      await runReboot(step, ctx);
      return {};
    case 'fetch':
      await runFetch(step, ctx);
      return {};
  }
}
