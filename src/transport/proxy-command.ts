// ProxyCommand: run the user's command locally (as OpenSSH does, `sh -c 'exec CMD'`) and speak SSH over its stdin/stdout.
import { Duplex } from 'node:stream';
import { ConnectError } from './errors.js';

/** A Duplex over the command's stdio; the command's failure (exit ≠ 0 before the end) becomes a ConnectError naming it. */
export async function proxyCommandStream(command: string, opts: { label: string; env: NodeJS.ProcessEnv }): Promise<Duplex> {
  const { execa } = await import('execa'); // loaded only when a ProxyCommand is used (~70 ms)
  const child = execa('/bin/sh', ['-c', `exec ${command}`], {
    env: opts.env,
    extendEnv: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const stdout = child.stdout!;
  const stdin = child.stdin!;
  stdin.on('error', () => undefined); // EPIPE when the command is gone: its exit reports the failure
  const stream = new Duplex({
    read() {
      stdout.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      if (stdin.destroyed) return cb();
      stdin.write(chunk, () => cb());
    },
    final(cb) {
      stdin.end();
      cb();
    },
    destroy(err, cb) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      cb(err);
    },
  });
  stdout.on('data', (d: Buffer) => {
    if (!stream.push(d)) stdout.pause();
  });
  void child.then((r) => {
    if (stream.destroyed) return;
    if (r.exitCode !== 0) {
      const why = stderr.trim().split('\n').slice(-3).join('; ');
      const status = r.exitCode === undefined ? (r.signal ?? 'killed') : `exit ${r.exitCode}`;
      stream.destroy(
        new ConnectError(`${opts.label}: ProxyCommand failed (${status})${why ? `: ${why}` : ''}: ${command}`, {
          host: opts.label,
          hint: 'run the ProxyCommand by hand (provision ssh-config NAME shows it) to see why it cannot reach the host',
        }),
      );
    } else stream.push(null);
  });
  return stream;
}
