// The steps that need more than one exec: guarded (dead man's switch), reboot-and-wait, fetch to the laptop.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { quote, shell } from '../core/command.js';
import type { Session } from '../core/session.js';
import { mustExec, StepError, type ApplyContext } from './step-context.js';
import type { Step } from '../core/types.js';

type Guarded = Extract<Step, { kind: 'guarded' }>;
type Reboot = Extract<Step, { kind: 'reboot' }>;
type Fetch = Extract<Step, { kind: 'fetch' }>;

const BOOT_ID = shell('cat /proc/sys/kernel/random/boot_id');

/** arm → apply → prove a NEW connection works → disarm. If the proof fails the host rolls itself back. */
export async function runGuarded(step: Guarded, ctx: ApplyContext): Promise<void> {
  await mustExec(ctx.session, step.arm, 'arming the rollback');
  const applied = await ctx.session.exec(step.apply);
  if (applied.code !== 0) {
    throw new StepError(`guarded change failed to apply (exit ${applied.code}); the armed rollback restores the host\n${applied.stderr.trim()}`);
  }
  const timeoutMs = step.confirmTimeoutMs ?? 20_000;
  let fresh: Session | undefined;
  try {
    // The handshake itself is bounded by the confirm window: a cut-off host must not hold the run for the
    // (longer) run-wide connect timeout after the verdict is in.
    fresh = await withTimeout(ctx.connector.connect(ctx.host, ctx.inventory, { fresh: true, connectTimeoutMs: timeoutMs }), timeoutMs + 1000);
    const ok = await withTimeout(fresh.exec({ argv: ['true'] }, { timeoutMs }), timeoutMs);
    if (ok.code !== 0) throw new Error(`'true' exited ${ok.code}`);
  } catch (e) {
    throw new StepError(`a new SSH connection failed after the change (${(e as Error).message}): rolled back by the host`);
  } finally {
    await fresh?.close().catch(() => undefined);
  }
  await mustExec(ctx.session, step.disarm, 'disarming the rollback');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Fire the reboot, drop the connection, reconnect until the boot id changes (or timeoutMs), carry on. */
export async function runReboot(step: Reboot, ctx: ApplyContext): Promise<void> {
  const before = (await mustExec(ctx.session, BOOT_ID, 'reading the boot id')).stdout.trim();
  // Detached and delayed so this exec returns (and the channel closes) before the host goes down.
  await ctx.session.exec(shell('setsid sh -c "sleep 1; reboot" </dev/null >/dev/null 2>&1 &', { sudo: true })).catch(() => undefined);
  await ctx.session.close().catch(() => undefined);
  const deadline = Date.now() + step.timeoutMs;
  const poll = ctx.pollMs ?? 2000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    await sleep(poll);
    let s: Session | undefined;
    try {
      s = await ctx.connector.connect(ctx.host, ctx.inventory, { fresh: true });
      const now = (await s.exec(BOOT_ID)).stdout.trim();
      if (now && now !== before) {
        await ctx.replaceSession(s);
        // Kept connections (--persist): the next run finds this host's kept too, instead of logging in once more.
        await ctx.connector.keepAgain?.(ctx.host, ctx.inventory).catch(() => undefined);
        return;
      }
      last = 'the boot id has not changed yet';
    } catch (e) {
      last = (e as Error).message;
    }
    await s?.close().catch(() => undefined);
  }
  throw new StepError(`the host did not come back with a new boot id within ${Math.round(step.timeoutMs / 1000)} s (${last})`);
}

/** Read a remote file (as root), transform it, write it on the laptop with the given mode. */
export async function runFetch(step: Fetch, ctx: ApplyContext): Promise<void> {
  const r = await mustExec(ctx.session, { argv: ['cat', '--', step.path], sudo: true }, `reading ${quote(step.path)}`, true);
  const content = step.transform ? step.transform(r.stdout) : r.stdout;
  const dest = resolve(step.dest);
  await mkdir(dirname(dest), { recursive: true });
  await writeFile(dest, content, { mode: step.mode });
  await chmod(dest, step.mode);
}
