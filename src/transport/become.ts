// sudo as data: wrap a command so sudo asks with a unique prompt, and read sudo's stderr to decide what to send.
import { randomBytes } from 'node:crypto';
import type { Command } from '../core/command.js';
import type { SudoErrorKind } from './errors.js';

/** Prefix of the marker in every become'd command line: the run lock finds an earlier run's leftovers by it. */
export const BECOME_MARKER = 'provision-become-ok-';

/**
 * The shell variable that holds this exec's own marker in a script run in the marker's shell (inlineScript): the run
 * lock tells this exec's own processes (their command lines carry it) from an earlier run's without walking /proc.
 */
export const BECOME_VAR = 'P_become';

export interface BecomeWrap {
  /** The command to run instead (argv only: stdin is written by the session, see stdinAtOnce). */
  command: Command;
  prompt: string;
  marker: string;
  /** What the session writes to stdin in place of the command's own: a long script itself (see scriptOnStdin). */
  stdin?: string;
  /**
   * sudo never reads stdin (`-n`: no password to give), so stdin may go with the exec; otherwise the session writes it
   * only once the marker shows that sudo let us in (never where sudo could read it as a password).
   */
  stdinAtOnce: boolean;
}

/**
 * A script this long or longer reaches its shell on stdin, not in argv: sudo logs every command line it runs
 * (syslog, split into ~1 KB "command continued" records: a node's 19 KB probe made 22 of them a run in the host's
 * journal or auth.log), and `ps` shows it to every user. Shorter scripts (most of a run's changes) stay in argv,
 * whole in sudo's log line and in the run lock's listing of an earlier run's leftovers.
 */
export const STDIN_SCRIPT_MIN = 1024;

/**
 * `sudo -S -p PROMPT -- sh -c 'echo MARKER >&2; exec "$@"' sh [env K=V...] argv...`, or with no password to give
 * (`password: false`) `sudo -n -- …`: sudo then never prompts nor reads stdin (a password it wants is an error at once).
 * The marker tells us sudo has finished (with or without a password) and the real command starts.
 * A shell script (`sh -c SCRIPT`: the probe, a module's steps) runs in that shell itself (see inlineScript): one
 * program start fewer on every sudo'd exec; a long one comes on stdin (scriptOnStdin).
 */
export function wrapSudo(cmd: Command, ids: { prompt?: string; marker?: string } = {}, o: { password?: boolean } = {}): BecomeWrap {
  const token = randomBytes(9).toString('hex');
  const prompt = ids.prompt ?? `[provision-sudo-${token}] password: `;
  const marker = ids.marker ?? `${BECOME_MARKER}${token}`;
  const password = o.password !== false;
  const sudo = password ? ['sudo', '-S', '-p', prompt, '--'] : ['sudo', '-n', '--'];
  const onStdin = scriptOnStdin(cmd, marker);
  if (onStdin) return { command: { argv: [...sudo, 'sh', '-c', onStdin.argv] }, prompt, marker, stdin: onStdin.stdin, stdinAtOnce: !password };
  const inline = inlineScript(cmd, marker);
  if (inline !== undefined) return { command: { argv: [...sudo, 'sh', '-c', inline] }, prompt, marker, stdinAtOnce: !password };
  const argv = [
    ...sudo,
    'sh', '-c', `${markerLine(marker)}; exec "$@"`, 'sh',
    ...envArgs(cmd),
    ...cmd.argv,
  ];
  return { command: { argv }, prompt, marker, stdinAtOnce: !password };
}

/**
 * A root login needs no sudo: `sh -c 'echo MARKER >&2; "$@"' sh [env K=V...] argv...`. The shell prints the same
 * marker and keeps running as the command's parent (no `exec`), so the marker stays in a live process's argv, as
 * sudo's does: the run lock still finds an earlier run's leftovers by it. It costs no more processes than sudo, and
 * none of sudo's work (PAM, sudoers, its log line per command).
 */
export function wrapRoot(cmd: Command, ids: { marker?: string } = {}): BecomeWrap {
  const wrapped = wrapSudo(cmd, ids);
  const inline = inlineScript(cmd, wrapped.marker);
  if (inline !== undefined) return { command: { argv: ['sh', '-c', inline] }, prompt: wrapped.prompt, marker: wrapped.marker, stdinAtOnce: true };
  const argv = ['sh', '-c', `${markerLine(wrapped.marker)}; "$@"; exit $?`, 'sh', ...envArgs(cmd), ...cmd.argv];
  // Not the last command: a shell may exec its -c string's last command, and the marker would go with it.
  return { command: { argv }, prompt: wrapped.prompt, marker: wrapped.marker, stdinAtOnce: true };
}

const markerLine = (marker: string) => `printf '%s\\n' '${marker}' >&2`;

function envArgs(cmd: Command): string[] {
  const env = Object.entries(cmd.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${JSON.stringify(k)}`);
    return `${k}=${v}`;
  });
  return env.length > 0 ? ['env', ...env] : [];
}

/**
 * A shell script with no arguments and no environment of its own (`sh -c SCRIPT`) runs in the marker's shell itself,
 * not in a second shell that one execs. The marker has a line of its own (the shell runs it before parsing the rest,
 * so a script's syntax error is still reported after it); the script sits in a brace group followed by `exit`, so it
 * is never the -c string's last command (never exec'd away with the marker), and its own `exit` still ends it.
 */
function inlineScript(cmd: Command, marker: string): string | undefined {
  const script = plainScript(cmd);
  if (script === undefined) return undefined;
  return `${markerVarLine(marker)}\n{\n${script}\n}; exit $?`;
}

/** The script of `sh -c SCRIPT` with no arguments and no environment of its own, else undefined. */
function plainScript(cmd: Command): string | undefined {
  const [file, flag, script, ...rest] = cmd.argv;
  if (file !== 'sh' || flag !== '-c' || script === undefined || rest.length > 0 || Object.keys(cmd.env ?? {}).length > 0) return undefined;
  return script;
}

const markerVarLine = (marker: string) => `${BECOME_VAR}='${marker}'; printf '%s\\n' "$${BECOME_VAR}" >&2`;

/** The part of a script on stdin that argv keeps, for sudo's log line and the run lock's listing: its first line. */
export const STDIN_SCRIPT_LABEL = '# provision script on stdin: ';

/**
 * A long plain script (STDIN_SCRIPT_MIN) with no stdin of its own, sent on stdin to the marker's shell: argv keeps the
 * marker line, a comment with the script's first line (sudo's log and the lock's listing say what ran) and
 * `. /dev/stdin`. dash reads a dot script in buffered reads from a descriptor of its own (10 or up), and the text on
 * stdin is the script in a brace group whose stdin is /dev/null: parsed whole before anything runs (a syntax error
 * runs nothing, as in argv), its programs see an empty stdin as before, and its `exit` still ends the shell. Where
 * stdin is no pipe (/dev/stdin of a socket cannot be opened), `eval "$(cat)"` reads it (one program more).
 */
function scriptOnStdin(cmd: Command, marker: string): { argv: string; stdin: string } | undefined {
  const script = plainScript(cmd);
  if (script === undefined || cmd.stdin !== undefined || Buffer.byteLength(script) < STDIN_SCRIPT_MIN) return undefined;
  const first = script.split('\n', 1)[0]!.replace(/[^\x20-\x7e]/g, ' ').slice(0, 100);
  return {
    argv: `${markerVarLine(marker)}\n${STDIN_SCRIPT_LABEL}${first}\nif [ -p /dev/stdin ]; then . /dev/stdin; else eval "$(cat)"; fi; exit $?`,
    stdin: `{\n${script}\n} </dev/null\n`,
  };
}

export type BecomeAction =
  | { kind: 'send-password' }
  /** sudo let us in: `stderr` is what the command itself wrote so far (after the marker). */
  | { kind: 'ready'; stderr: string }
  | { kind: 'fail'; error: SudoErrorKind; detail: string };

// sudo 1.9 (Debian 12/13) says "Account or password is expired, reset your password and try again", then runs passwd's own prompts.
const EXPIRED = [/password has expired/i, /password is expired/i, /required to change your password/i, /password change required/i, /Password expired/i, /unable to change expired password/i];
const NOT_ALLOWED = [/is not in the sudoers file/i, /is not allowed to (run|execute)/i, /may not run sudo/i, /not allowed to execute/i];
const REQUIRED = [/a password is required/i, /no password was provided/i, /a terminal is required/i];
const WRONG = [/Sorry, try again/i, /incorrect password attempt/i, /Authentication failure/i];

/**
 * Feeds on sudo's stderr until the command starts. Pure: the session does the I/O.
 * Text before the marker belongs to sudo (prompts, lecture, complaints) and is never returned.
 */
export class BecomeWatcher {
  #buffer = '';
  #promptsAnswered = 0;
  #done = false;
  readonly #prompt: string;
  readonly #marker: string;
  readonly #hasPassword: boolean;

  constructor(opts: { prompt: string; marker: string; hasPassword: boolean }) {
    this.#prompt = opts.prompt;
    this.#marker = opts.marker;
    this.#hasPassword = opts.hasPassword;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Give it the next stderr chunk; it returns what to do now (possibly nothing). */
  feed(chunk: string): BecomeAction[] {
    if (this.#done) return [];
    this.#buffer += chunk;
    const markerAt = this.#buffer.indexOf(`${this.#marker}\n`);
    const before = markerAt >= 0 ? this.#buffer.slice(0, markerAt) : this.#buffer;
    const failure = this.#failure(before);
    if (failure) {
      this.#done = true;
      return [failure];
    }
    if (markerAt >= 0) {
      this.#done = true;
      return [{ kind: 'ready', stderr: this.#buffer.slice(markerAt + this.#marker.length + 1) }];
    }
    const prompts = countOccurrences(before, this.#prompt);
    if (prompts > this.#promptsAnswered) {
      if (!this.#hasPassword) {
        this.#done = true;
        return [{ kind: 'fail', error: 'password-required', detail: 'sudo asked for a password' }];
      }
      if (this.#promptsAnswered > 0) {
        // Asked again after we answered: the password was wrong (whatever the language of the message).
        this.#done = true;
        return [{ kind: 'fail', error: 'wrong-password', detail: 'sudo asked for the password again' }];
      }
      this.#promptsAnswered = prompts;
      return [{ kind: 'send-password' }];
    }
    return [];
  }

  /** The channel closed before the marker: explain why from what sudo said. */
  finish(): BecomeAction | undefined {
    if (this.#done) return undefined;
    this.#done = true;
    const failure = this.#failure(this.#buffer);
    if (failure) return failure;
    if (countOccurrences(this.#buffer, this.#prompt) > 0 && !this.#hasPassword) {
      return { kind: 'fail', error: 'password-required', detail: 'sudo asked for a password' };
    }
    return undefined;
  }

  /** sudo's own output with our prompt removed (for an unexplained sudo failure). */
  sudoOutput(): string {
    return this.#buffer.split(this.#prompt).join('');
  }

  #failure(raw: string): BecomeAction | undefined {
    const text = raw.split(this.#prompt).join('\n');
    const said = (res: RegExp[]) => res.find((re) => re.test(text));
    if (said(EXPIRED)) return { kind: 'fail', error: 'password-expired', detail: firstLine(text, EXPIRED) };
    if (said(NOT_ALLOWED)) return { kind: 'fail', error: 'not-allowed', detail: firstLine(text, NOT_ALLOWED) };
    if (said(WRONG)) return { kind: 'fail', error: 'wrong-password', detail: firstLine(text, WRONG) };
    if (said(REQUIRED)) return { kind: 'fail', error: 'password-required', detail: firstLine(text, REQUIRED) };
    return undefined;
  }
}

/** What to tell the user for each kind of sudo refusal. */
export function describeSudoFailure(kind: SudoErrorKind, host: string, user?: string): { message: string; hint: string } {
  const who = user ? `${user}@${host}` : host;
  switch (kind) {
    case 'wrong-password':
      return { message: `${who}: sudo rejected the become password`, hint: 'check the password given by --ask-become-pass or PROVISION_BECOME_PASSWORD' };
    case 'password-required':
      return { message: `${who}: sudo needs a password and none was given`, hint: 'use --ask-become-pass, or set PROVISION_BECOME_PASSWORD' };
    case 'password-expired':
      return { message: `${who}: the account's password has expired, sudo will not run`, hint: `log in once (ssh ${who}) and change the password with passwd` };
    case 'not-allowed':
      return { message: `${who}: the user may not run commands with sudo`, hint: `add the user to the sudo group on ${host} (usermod -aG sudo USER) or give it a sudoers rule` };
  }
}

function countOccurrences(text: string, needle: string): number {
  if (needle === '') return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function firstLine(text: string, res: RegExp[]): string {
  const line = text.split('\n').find((l) => res.some((re) => re.test(l)));
  return (line ?? '').trim().slice(0, 200);
}
