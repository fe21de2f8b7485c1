// Where the sudo password comes from: --ask-become-pass (terminal or one stdin line) or PROVISION_BECOME_PASSWORD.
import { Secret } from '../core/secret.js';
import { promptSecret, type PromptIo } from './prompt-secret.js';

export const BECOME_PASSWORD_ENV = 'PROVISION_BECOME_PASSWORD';

export interface ReadBecomePasswordOptions extends PromptIo {
  /** --ask-become-pass was given. */
  ask: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * --ask-become-pass wins: prompt on the terminal without echo, or read one line from stdin when it is a pipe.
 * Otherwise PROVISION_BECOME_PASSWORD, which is then removed from this process's environment so that no
 * child process inherits it. Undefined when neither is given (sudo must then work without a password).
 */
export async function readBecomePassword(opts: ReadBecomePasswordOptions): Promise<Secret | undefined> {
  if (opts.ask) {
    const answer = await promptSecret('BECOME password: ', opts);
    if (answer === undefined) throw new Error('--ask-become-pass: no password was entered (stdin closed)');
    return answer;
  }
  const env = opts.env ?? process.env;
  const value = env[BECOME_PASSWORD_ENV];
  if (value === undefined || value === '') return undefined;
  if (env === process.env) delete process.env[BECOME_PASSWORD_ENV];
  return new Secret(value);
}
