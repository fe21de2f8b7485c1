// Where provision keeps what it may throw away (add-on downloads, ssh -G answers, the CLI's compiled code): one place.
import { statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** Who runs provision: root is told apart (see provisionCacheDir). */
export interface CacheUser {
  uid: number | undefined;
  /** The user's own home from the password database (not $HOME); undefined when it has no entry. */
  passwdHome(): string | undefined;
}

function passwdHome(): string | undefined {
  try {
    return userInfo().homedir || undefined;
  } catch {
    return undefined; // a uid without a passwd entry (some containers)
  }
}

const thisUser: CacheUser = { uid: process.getuid?.(), passwdHome };

/** The owner of `path`, or of its nearest existing parent (~/.cache may not exist yet); undefined if none answers. */
function ownerOf(path: string): number | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      return statSync(p).uid;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

/**
 * ~/.cache/provision/NAME, or $XDG_CACHE_HOME/provision/NAME when that is an absolute path. Root whose cache directory
 * (or its nearest existing parent) belongs to another user, as under `sudo -E` or a sudo that keeps HOME, keeps its cache
 * in its own home instead: what it wrote there would be root's and unreadable to that user's own runs (mode 0600).
 */
export function provisionCacheDir(name: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir(), user: CacheUser = thisUser): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME ?? home, '.cache');
  if (user.uid === 0) {
    const owner = ownerOf(base);
    const own = owner !== undefined && owner !== 0 ? user.passwdHome() : undefined;
    if (own) return join(own, '.cache', 'provision', name);
  }
  return join(base, 'provision', name);
}
