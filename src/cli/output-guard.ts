// `provision ... | head` (EPIPE) and `> /dev/full` (ENOSPC): one clear line instead of Node's stack trace.
import { EXIT } from '../core/exit-codes.js';

const WHY: Record<string, string> = {
  EPIPE: 'the reader closed the pipe (EPIPE)',
  ENOSPC: 'no space left on the device (ENOSPC)',
  EFBIG: 'the output file is too large (EFBIG)',
  EIO: 'an input/output error (EIO)',
};

/** The line printed once when output could not be written. */
export function outputLostMessage(code: string | undefined): string {
  return `provision: output lost: ${WHY[code ?? ''] ?? code ?? 'write error'}; the rest of the output is dropped\n`;
}

/**
 * From now on a write error on stdout prints one line on stderr and drops the rest of the output (the verb
 * finishes its work: a run in progress is not cut in the middle of a step). Returns whether output was lost.
 */
export function guardOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): () => boolean {
  let lost = false;
  stderr.on('error', () => {}); // nowhere left to say anything
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (lost) return;
    lost = true;
    stderr.write(outputLostMessage(err.code));
    if (!process.exitCode) process.exitCode = EXIT.failure; // the verb may already have returned 0

  });
  return () => lost;
}
