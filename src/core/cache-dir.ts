// Where provision keeps what it may throw away (add-on downloads, ssh -G answers, the CLI's compiled code): one place.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** ~/.cache/provision/NAME, or $XDG_CACHE_HOME/provision/NAME when that is an absolute path. */
export function provisionCacheDir(name: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME ?? home, '.cache');
  return join(base, 'provision', name);
}
