// Flag parsing shared by every verb and sub-verb: --help, did-you-mean for unknown flags, our own usage messages.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../yaml/did-you-mean.js';
import { HelpRequest, UsageError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A verb's (or a lab sub-verb's) flags and help text: adding a flag or a verb is a change to its spec only. */
export interface VerbSpec<O extends Options = Options> {
  /** 'lint', 'lab up'... */
  name: string;
  /** The whole text `provision help NAME` and `NAME --help` print. */
  help: string;
  options: O;
  /** Whether the verb takes positional arguments. */
  positionals?: boolean;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

export function defineVerb<O extends Options>(spec: VerbSpec<O>): VerbSpec<O> {
  return spec;
}

/** The flags of a spec as written on a command line (--name, -x), --help included. */
export function flagNames(spec: VerbSpec): string[] {
  const opts: Options = { ...spec.options, ...HELP_OPTION };
  return Object.entries(opts).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

const isNumber = (s: string | undefined) => s !== undefined && /^-\d+(\.\d+)?$/.test(s);

/**
 * Checks every flag before `--` against the spec (unknown → usage error with the nearest flag), and joins
 * `--flag -1` into `--flag=-1` so that a negative number reaches the verb's own range check.
 */
function prescan(argv: string[], spec: VerbSpec): string[] {
  const opts: Options = { ...spec.options, ...HELP_OPTION };
  const longOf = (short: string) => Object.entries(opts).find(([, o]) => o.short === short)?.[0];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    let long: string | undefined;
    if (a.startsWith('--')) long = a.slice(2).split('=')[0]!;
    else if (a.startsWith('-') && a.length > 1 && !isNumber(a)) {
      // -vK is a group of boolean flags; -iFILE is -i with a value.
      for (const ch of a.slice(1)) {
        const l = longOf(ch);
        if (!l) unknown(`-${ch}`, spec);
        if (opts[l]!.type === 'string') break;
      }
      long = a.length === 2 ? longOf(a[1]!) : undefined;
    }
    if (long !== undefined && !Object.hasOwn(opts, long)) unknown(`--${long}`, spec);
    const takesNext = long !== undefined && !a.includes('=') && opts[long]!.type === 'string' && i + 1 < argv.length;
    if (takesNext && isNumber(argv[i + 1])) out.push(`--${long}=${argv[i + 1]}`);
    else if (takesNext && !argv[i + 1]!.startsWith('-')) out.push(a, argv[i + 1]!);
    else {
      out.push(a);
      continue;
    }
    i++;
  }
  return out;
}

function unknown(flag: string, spec: VerbSpec): never {
  const guess = didYouMean(flag, flagNames(spec).filter((f) => f.startsWith('--')));
  throw new UsageError(`${spec.name}: unknown option '${flag}'`, guess ? `did you mean '${guess}'? ('provision help ${spec.name}' lists the options)` : `'provision help ${spec.name}' lists the options`);
}

/** Our message for what node's parseArgs still refuses after the prescan. */
function translate(err: NodeJS.ErrnoException, spec: VerbSpec): UsageError {
  const flag = /'(?:-\w, )?(--?[\w-]+)/.exec(err.message)?.[1] ?? '';
  const hint = `'provision help ${spec.name}' lists the options`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError(`${spec.name}: unexpected argument '${/'([^']*)'/.exec(err.message)?.[1] ?? ''}'`, hint);
  if (/argument missing|ambiguous/.test(err.message)) return new UsageError(`${spec.name}: ${flag} needs a value`, hint);
  if (/does not take an argument/.test(err.message)) return new UsageError(`${spec.name}: ${flag} takes no value`, hint);
  return new UsageError(`${spec.name}: ${err.message.split('\n')[0]}`, hint);
}

/** True when --help or -h stands before `--` (so `lab up --help` needs no -i, and `--bogus --help` still helps). */
function asksHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Parses a verb's argv, or throws HelpRequest (for --help) or UsageError (with our message). */
export function parseVerbArgs<O extends Options>(argv: string[], spec: VerbSpec<O>) {
  if (asksHelp(argv)) throw new HelpRequest(spec.help);
  const args = prescan(argv, spec);
  try {
    return parseArgs({ args, options: spec.options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (err) {
    throw translate(err as NodeJS.ErrnoException, spec);
  }
}
