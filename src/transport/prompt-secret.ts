// Read a secret from the terminal without echo (or one line from a pipe), for become passwords and key passphrases.
import { createInterface } from 'node:readline';
import { Secret } from '../core/secret.js';

export interface PromptIo {
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}

/** True when a person can answer a prompt (stdin is a terminal). */
export function canPrompt(io: PromptIo = {}): boolean {
  return Boolean((io.input ?? process.stdin).isTTY);
}

/** Ask on the terminal with echo off; on a pipe, read one line silently. Resolves undefined on EOF. */
export async function promptSecret(question: string, io: PromptIo = {}): Promise<Secret | undefined> {
  const input = io.input ?? process.stdin;
  const output = io.output ?? process.stderr;
  if (!input.isTTY) return readLine(input);
  output.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (result: Secret | undefined, err?: Error) => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(new Secret(value));
        if (ch === '\u0004') return done(value === '' ? undefined : new Secret(value)); // Ctrl-D
        if (ch === '\u0003') return done(undefined, new Error('interrupted')); // Ctrl-C
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

function readLine(input: NodeJS.ReadableStream): Promise<Secret | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(new Secret(line));
    });
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}
