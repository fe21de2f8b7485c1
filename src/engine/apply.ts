// Executes one step of a change on a host: the only place that changes hosts (writes, deletes, commands...).
import { shell } from '../core/command.js';
import { Secret } from '../core/secret.js';
import type { Step } from '../core/types.js';
import { ConnectError } from '../transport/errors.js';
import { runFetch, runGuarded, runReboot } from './special-steps.js';
import { mustExec, StepError, trimOutput, type ApplyContext } from './step-context.js';
import { resolveContent } from './templates.js';
import { deleteScript, WRITE_EXIT, writeScript } from './write-step.js';

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
    case 'provide':
      // Once per run on the first ready candidate (ProviderResolver); outputs stay Secret, in memory, for templates.
      await ctx.providers(step.provider);
      return {};
  }
}
