// sudo become from recorded stderr: when to send the password, when the command starts, which error it is.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BecomeWatcher, STDIN_SCRIPT_LABEL, STDIN_SCRIPT_MIN, wrapRoot, wrapSudo, type BecomeAction } from '../../../src/transport/become.js';
import { renderCommand } from '../../../src/core/command.js';
import { tempDir } from '../../support/temp-dir.js';

const P = '[provision-sudo-abc] password: ';
const M = 'provision-become-ok-abc';

const cases: { name: string; chunks: string[]; hasPassword: boolean; want: BecomeAction[]; finish?: BecomeAction }[] = [
  { name: 'passwordless sudo: marker only', chunks: [`${M}\n`], hasPassword: false, want: [{ kind: 'ready', stderr: '' }] },
  {
    name: 'prompt, then marker, command stderr kept',
    chunks: [P, `\n${M}\nwarning: x\n`],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'ready', stderr: 'warning: x\n' }],
  },
  {
    name: 'prompt split across chunks, lecture before it',
    chunks: ['\nWe trust you have received the usual lecture from the local System\nAdministrator.\n\n[provision-sudo', '-abc] password: ', `${M}`, '\nout'],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'ready', stderr: 'out' }],
  },
  {
    name: 'wrong password',
    chunks: [P, 'Sorry, try again.\n', P],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'fail', error: 'wrong-password', detail: 'Sorry, try again.' }],
  },
  {
    name: 'asked twice without a message (other locale) is a wrong password',
    chunks: [P, `Lo siento, vuelva a intentarlo.\n${P}`],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'fail', error: 'wrong-password', detail: 'sudo asked for the password again' }],
  },
  {
    name: 'prompt but no password available',
    chunks: [P],
    hasPassword: false,
    want: [{ kind: 'fail', error: 'password-required', detail: 'sudo asked for a password' }],
  },
  {
    name: 'sudo -n style: a password is required',
    chunks: ['sudo: a password is required\n'],
    hasPassword: false,
    want: [{ kind: 'fail', error: 'password-required', detail: 'sudo: a password is required' }],
  },
  {
    name: 'expired password (PAM)',
    chunks: [P, 'You are required to change your password immediately (administrator enforced).\nCurrent password: '],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'fail', error: 'password-expired', detail: 'You are required to change your password immediately (administrator enforced).' }],
  },
  {
    // Recorded in the lab: sudo 1.9.16 after `chage -d 0 ubuntu`; without this pattern the run hung on passwd's prompt.
    name: 'expired password (sudo 1.9: account or password is expired)',
    chunks: [P, 'sudo: Account or password is expired, reset your password and try again\nChanging password for ubuntu.\n[sudo] password for %p: '],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'fail', error: 'password-expired', detail: 'sudo: Account or password is expired, reset your password and try again' }],
  },
  {
    name: 'expired password (shadow)',
    chunks: ['Your password has expired.\n'],
    hasPassword: true,
    want: [{ kind: 'fail', error: 'password-expired', detail: 'Your password has expired.' }],
  },
  {
    name: 'not in sudoers',
    chunks: [P, 'pi is not in the sudoers file.\n'],
    hasPassword: true,
    want: [{ kind: 'send-password' }, { kind: 'fail', error: 'not-allowed', detail: 'pi is not in the sudoers file.' }],
  },
  {
    name: 'not allowed to run this command',
    chunks: ['Sorry, user pi is not allowed to execute \'/bin/sh\' as root on k8s-cp-01.\n'],
    hasPassword: false,
    want: [{ kind: 'fail', error: 'not-allowed', detail: "Sorry, user pi is not allowed to execute '/bin/sh' as root on k8s-cp-01." }],
  },
  {
    name: 'channel closes after three wrong attempts',
    chunks: [P],
    hasPassword: true,
    want: [{ kind: 'send-password' }],
    finish: undefined,
  },
  {
    name: 'a "Sorry" written by the command after the marker is the command\'s',
    chunks: [`${M}\nSorry, try again.\n`],
    hasPassword: false,
    want: [{ kind: 'ready', stderr: 'Sorry, try again.\n' }],
  },
];

describe('BecomeWatcher', () => {
  it.each(cases)('$name', (c) => {
    const w = new BecomeWatcher({ prompt: P, marker: M, hasPassword: c.hasPassword });
    const got = c.chunks.flatMap((ch) => w.feed(ch));
    expect(got).toEqual(c.want);
    if ('finish' in c) expect(w.finish()).toEqual(c.finish);
  });

  it('after close, reports sudo output without the prompt', () => {
    const w = new BecomeWatcher({ prompt: P, marker: M, hasPassword: true });
    w.feed(`${P}sudo: unable to resolve host x\n`);
    expect(w.finish()).toBeUndefined();
    expect(w.sudoOutput()).toBe('sudo: unable to resolve host x\n');
  });
});

describe('wrapSudo', () => {
  it('keeps the password out of argv and quotes everything; the inner command runs unchanged', () => {
    const wrap = wrapSudo({ argv: ['printf', '%s|%s', "a'b", '$(id)'], env: { X: '1 2' } }, { prompt: P, marker: M });
    expect(wrap.command.argv.slice(0, 5)).toEqual(['sudo', '-S', '-p', P, '--']);
    // Run the wrapped text with a stand-in "sudo" that just drops its options, to check the quoting end to end.
    const text = renderCommand(wrap.command).replace(/^sudo -S -p '[^']*' --/, 'exec');
    const out = execFileSync('sh', ['-c', text], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.toString()).toBe("a'b|$(id)");
    expect(wrap.command.argv).toContain('X=1 2');
  });

  it('runs a shell script in sudo\'s own child shell (one program start, not two), the marker first', async () => {
    const wrap = wrapSudo({ argv: ['sh', '-c', 'echo "$0:$#"; exit 3'] }, { prompt: P, marker: M });
    expect(wrap.command.argv.slice(0, 7)).toEqual(['sudo', '-S', '-p', P, '--', 'sh', '-c']);
    expect(wrap.command.argv).toHaveLength(8); // no second `sh -c` to exec
    const r = await execa('sh', ['-c', renderCommand(wrap.command).replace(/^sudo -S -p '[^']*' --/, 'exec')], { reject: false });
    expect(r).toMatchObject({ stdout: 'sh:0', stderr: M, exitCode: 3 });
    // With arguments or an environment of its own, the script keeps its own shell.
    expect(wrapSudo({ argv: ['sh', '-c', 'echo $1', 'sh', 'x'] }, { prompt: P, marker: M }).command.argv.join(' ')).toContain('exec "$@"');
    expect(wrapSudo({ argv: ['sh', '-c', 'echo $X'], env: { X: '1' } }, { prompt: P, marker: M }).command.argv.join(' ')).toContain('exec "$@"');
  });
});

describe('wrapSudo with a long script: the script comes on stdin, argv keeps its first line', () => {
  const filler = ': filler line to pass the size where a script goes on stdin\n'.repeat(Math.ceil(STDIN_SCRIPT_MIN / 40));
  const long = (head: string) => `${head}\n${filler}`;
  /** Runs the wrapped command as sudo would (its options dropped), its stdin fed by `feed`: a pipe, a file or a socket. */
  async function run(script: string, feed: 'pipe' | 'file' | 'socket') {
    const wrap = wrapSudo({ argv: ['sh', '-c', script] }, { marker: M }, { password: false });
    const text = renderCommand(wrap.command).replace(/^sudo -n --/, 'exec');
    const file = join(tempDir('provision-become-'), 'stdin');
    writeFileSync(file, wrap.stdin ?? '');
    // execa's stdin is a socket pair (libuv); `cat | …` a pipe; `< file` a regular file.
    if (feed === 'socket') return execa('sh', ['-c', text], { input: wrap.stdin ?? '', reject: false });
    const outer = feed === 'pipe' ? `cat "$0" | { ${text}; }` : `{ ${text}; } < "$0"`;
    return execa('sh', ['-c', outer, file], { reject: false });
  }

  it('no password: sudo -n (never prompts nor reads stdin), so stdin may go with the exec; with one -S and a prompt', () => {
    const quiet = wrapSudo({ argv: ['sh', '-c', 'true'] }, { prompt: P, marker: M }, { password: false });
    expect(quiet.command.argv.slice(0, 3)).toEqual(['sudo', '-n', '--']);
    expect(quiet.stdinAtOnce).toBe(true);
    const asks = wrapSudo({ argv: ['sh', '-c', 'true'] }, { prompt: P, marker: M });
    expect(asks.command.argv.slice(0, 5)).toEqual(['sudo', '-S', '-p', P, '--']);
    expect(asks.stdinAtOnce).toBe(false);
    // A short script stays whole in argv (sudo's log line and the lock's listing show it), nothing on stdin.
    expect(quiet.stdin).toBeUndefined();
    expect(quiet.command.argv.at(-1)).toContain('\n{\ntrue\n}; exit $?');
  });

  it('keeps the script out of argv (sudo logs argv, ps shows it), its first line kept as a comment', () => {
    const { command, stdin } = wrapSudo({ argv: ['sh', '-c', long('M=@@x@@ # first')] }, { marker: M }, { password: false });
    const argv = command.argv.join(' ');
    expect(argv).not.toContain('filler');
    expect(argv).toContain(`${STDIN_SCRIPT_LABEL}M=@@x@@ # first\n`);
    expect(argv.length).toBeLessThan(400);
    expect(stdin).toBe(`{\n${long('M=@@x@@ # first')}\n} </dev/null\n`);
    // A script with stdin of its own keeps argv.
    expect(wrapSudo({ argv: ['sh', '-c', long('cat')], stdin: 'data' }, { marker: M }, { password: false }).stdin).toBeUndefined();
  });

  it.each(['pipe', 'file', 'socket'] as const)('runs as in argv from a %s: output, exit status, marker first, an empty stdin for its programs', async (feed) => {
    const r = await run(long('echo "$0:$#"; cat; echo " err" >&2; exit 3'), feed);
    expect(r).toMatchObject({ stdout: 'sh:0', stderr: `${M}\n err`, exitCode: 3 });
  });

  it.each(['pipe', 'socket'] as const)('a syntax error anywhere runs nothing (the script is parsed whole first), from a %s', async (feed) => {
    const r = await run(`echo ran\n${filler}if then\n`, feed);
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(2);
    expect(r.stderr.startsWith(`${M}\n`)).toBe(true);
  });

  it('the marker shell is the script\'s own (its argv carries the marker, as the run lock expects)', async () => {
    const r = await run(long('tr "\\0" " " < /proc/$$/cmdline'), 'pipe');
    expect(r.stdout).toContain(M);
    expect(r.stdout).not.toContain('filler');
  });
});

describe('wrapRoot', () => {
  it('runs the command without sudo, quoted as sudo would get it, with the same marker first on stderr', async () => {
    const wrap = wrapRoot({ argv: ['printf', '%s|%s', "a'b", '$(id)'], env: { X: '1 2' } }, { marker: M });
    expect(wrap.command.argv[0]).toBe('sh');
    expect(wrap.command.argv).not.toContain('sudo');
    const r = await execa('sh', ['-c', renderCommand(wrap.command)], { reject: false });
    expect(r.stdout).toBe("a'b|$(id)");
    expect(r.stderr).toBe(`${M}`);
    expect((await execa('sh', ['-c', renderCommand(wrapRoot({ argv: ['sh', '-c', 'exit 7'] }).command)], { reject: false })).exitCode).toBe(7);
  });

  it('keeps the marker in a live process while the command runs (the run lock finds leftovers by it)', async () => {
    const marker = `provision-become-ok-root${process.pid}`;
    const [file, ...args] = wrapRoot({ argv: ['sleep', '5'] }, { marker }).command.argv;
    const child = execa(file!, args, { reject: false }); // no outer shell: only the wrapper's own argv carries the marker
    try {
      await new Promise((r) => setTimeout(r, 300));
      const grep = await execa('sh', ['-c', `grep -las '[${marker[0]}]${marker.slice(1)}' /proc/[0-9]*/cmdline`], { reject: false });
      expect(grep.stdout.trim().split('\n')).toEqual([`/proc/${child.pid}/cmdline`]);
    } finally {
      child.kill();
      await child;
    }
  });

  it('runs a shell script in the wrapper itself: the marker shell is the script\'s own, exit codes and syntax errors as before', async () => {
    const run = async (script: string) => {
      const [file, ...args] = wrapRoot({ argv: ['sh', '-c', script] }, { marker: M }).command.argv;
      return execa(file!, args, { reject: false });
    };
    // $$ of the script is the process whose argv carries the marker: no second shell.
    const own = await run('tr "\\0" " " < /proc/$$/cmdline');
    expect(own.stdout).toContain(M);
    expect(own.stderr).toBe(M);
    expect((await run('echo a; exit 7')).exitCode).toBe(7);
    const bad = await run('echo a; if then');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.startsWith(`${M}\n`)).toBe(true); // the marker still comes first: the watcher sees sudo's part end
    expect((await run('cat <<EOF\n}\nEOF')).stdout).toBe('}');
  });
});
