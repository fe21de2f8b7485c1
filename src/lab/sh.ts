// Local process helpers for the lab (execa behind one seam): run a command, fail with its stderr, or run inside a namespace.
import { execa } from 'execa';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  /** Resolve with a non-zero code instead of throwing. */
  nothrow?: boolean;
  cwd?: string;
}

export class LabCommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: RunResult,
  ) {
    super(`${argv.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
    this.name = 'LabCommandError';
  }
}

export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  const r = await execa(file!, args, {
    input: opts.input,
    env: opts.env,
    cwd: opts.cwd,
    reject: false,
    stripFinalNewline: false,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
  });
  const result: RunResult = { code: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? r.message ?? '') };
  if (result.code !== 0 && !opts.nothrow) throw new LabCommandError(argv, result);
  return result;
}

/** `ip netns exec NS argv...` */
export function inNetns(ns: string, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/** Runs tasks with at most `limit` in flight; the first failure rejects after all started tasks settle. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: unknown;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        failure ??= e;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure;
  return out;
}
