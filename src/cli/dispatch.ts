// From argv to an exit status: help routing, did-you-mean for verbs, and the one place errors are rendered.
import { escapeControl } from '../core/escape.js';
import { didYouMean } from '../yaml/did-you-mean.js';
import { FindingsError, HelpRequest, UsageError, UserError } from '../core/errors.js';
import { EXIT, exitCodeHelp } from '../core/exit-codes.js';
import { packageVersion } from './version.js';
import { isVerb, VERBS } from './verbs.js';

export type LoadVerb = (verb: string) => Promise<{ run(argv: string[]): Promise<number> }>;

export function usage(): string {
  const rows = Object.entries(VERBS).map(([v, d]) => `  ${v.padEnd(8)} ${d.summary}`);
  return [
    'usage: provision <command> [options]', '       provision help <command> [<sub-command>]', '', 'commands:', ...rows, '',
    "Run 'provision help <command>' (or 'provision <command> --help') for a command's options.", '', exitCodeHelp(),
  ].join('\n');
}

/** Whether the user asked for --json (before any `--`): then failures are a JSON object on stdout. */
export function wantsJson(verb: string, rest: string[]): boolean {
  const end = rest.indexOf('--');
  return !!VERBS[verb]?.json && (end < 0 ? rest : rest.slice(0, end)).includes('--json');
}

function unknownVerb(verb: string): never {
  const guess = didYouMean(verb, Object.keys(VERBS));
  throw new UsageError(`unknown command '${verb}'`, guess ? `did you mean '${guess}'? (run 'provision help' for the commands)` : "run 'provision help' for the commands");
}

/** The error as the user sees it: escaped text on stderr, or {"error":{...}} on stdout for --json. */
export function renderError(err: unknown, json: boolean): { code: number; stdout?: string; stderr?: string } {
  const user = err instanceof UserError ? err : undefined;
  const code = user?.exitCode ?? EXIT.internal;
  const kind = err instanceof UsageError ? 'usage' : user ? 'error' : 'internal';
  const e = err as Error | undefined;
  const message = err instanceof FindingsError ? err.headline : user ? user.message : `internal error: ${e?.message ?? String(err)}`;
  if (json) {
    const doc = { error: { message, code: kind, exitCode: code, ...(user?.hint ? { hint: user.hint } : {}), ...(err instanceof FindingsError ? { findings: err.findings } : {}) } };
    return { code, stdout: `${JSON.stringify(doc)}\n` };
  }
  const lines = [`provision: ${escapeControl(message)}`];
  if (err instanceof FindingsError) lines.push(...err.message.split('\n').slice(1)); // formatFinding escaped each
  if (user?.hint) lines.push(`  hint: ${escapeControl(user.hint)}`);
  if (!user && process.env.PROVISION_DEBUG) lines.push(e?.stack ?? '');
  return { code, stderr: `${lines.join('\n')}\n` };
}

async function route(argv: string[], load: LoadVerb): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    process.stderr.write(`${usage()}\n`);
    return EXIT.usage;
  }
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    if (rest.length === 0) {
      process.stdout.write(`${usage()}\n`);
      return EXIT.ok;
    }
    // `provision help VERB [SUB]` is `provision VERB [SUB] --help`.
    if (!isVerb(rest[0]!)) unknownVerb(rest[0]!);
    return route([rest[0]!, ...rest.slice(1), '--help'], load);
  }
  if (verb === '--version' || verb === '-V' || verb === 'version') {
    process.stdout.write(`provision ${packageVersion()}\n`);
    return EXIT.ok;
  }
  // The connection keeper's own process (--persist starts it): internal, so not among the verbs.
  if (verb === '__keeper') return (await load('keeper')).run(rest);
  if (!isVerb(verb)) unknownVerb(verb);
  return (await load(verb)).run(rest);
}

/** Runs the CLI; never throws: every error becomes its message and exit status. */
export async function dispatch(argv: string[], load: LoadVerb): Promise<number> {
  try {
    return await route(argv, load);
  } catch (err) {
    if (err instanceof HelpRequest) {
      process.stdout.write(`${err.text}\n`);
      return EXIT.ok;
    }
    const [verb = '', ...rest] = argv;
    const out = renderError(err, wantsJson(verb, rest));
    if (out.stdout) process.stdout.write(out.stdout);
    if (out.stderr) process.stderr.write(out.stderr);
    return out.code;
  }
}
