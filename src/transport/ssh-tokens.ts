// OpenSSH's expansions for ssh_config values: `~`, `%` tokens (%h %p %r %n %% ...) and `${VAR}`, as ssh(1) does them.
import { createHash } from 'node:crypto';
import { hostname as localHostname, userInfo } from 'node:os';

/** Values for ssh_config(5)'s TOKENS for one connection. */
export interface TokenValues {
  /** Remote host name after HostName (what is dialled). */
  h: string;
  /** The name as given (the inventory host or the hop). */
  n: string;
  p: string;
  /** Remote user. */
  r: string;
  /** Local user and home. */
  u: string;
  d: string;
  /** ProxyJump value, '' when none. */
  j?: string;
  /** HostKeyAlias, else the original name. */
  k?: string;
}

/** Expand `%x` tokens like OpenSSH's percent_expand: an unknown token is an error (ssh refuses it too). */
export function expandPercent(s: string, t: TokenValues): string {
  if (!s.includes('%')) return s; // most values (every default IdentityFile of every host) have no token
  const local = localHostname();
  const table: Record<string, string> = {
    '%': '%',
    h: t.h,
    n: t.n,
    p: t.p,
    r: t.r,
    u: t.u,
    d: t.d,
    j: t.j ?? '',
    k: t.k ?? t.n,
    l: local,
    L: local.split('.')[0] ?? local,
    i: String(safeUid()),
  };
  return s.replace(/%(.?)/g, (whole, c: string) => {
    if (c === 'C') return connectionHash(t, local);
    const v = table[c];
    if (v === undefined) throw new Error(`unknown token ${whole === '%' ? '% at the end' : whole} in ${JSON.stringify(s)}`);
    return v;
  });
}

/** `${VAR}` from the environment; an unset variable is an error, as in OpenSSH. */
export function expandEnv(s: string, env: NodeJS.ProcessEnv): string {
  return s.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new Error(`environment variable \${${name}} in ${JSON.stringify(s)} has no value`);
    return v;
  });
}

/** A leading `~` or `~/` is the home directory. */
export function expandTilde(s: string, home: string): string {
  if (s === '~') return home;
  return s.startsWith('~/') ? `${home}/${s.slice(2)}` : s;
}

/** IdentityFile, IdentityAgent, CertificateFile, ...: tilde, then tokens, then environment variables. */
export function expandPath(s: string, t: TokenValues, env: NodeJS.ProcessEnv): string {
  return expandEnv(expandPercent(expandTilde(s, t.d), t), env);
}

/** ProxyCommand takes %% %h %n %p %r (ssh_config(5)); it is run by /bin/sh, so no env expansion here. */
export function expandProxyCommand(s: string, t: Pick<TokenValues, 'h' | 'n' | 'p' | 'r'>): string {
  const table: Record<string, string> = { '%': '%', h: t.h, n: t.n, p: t.p, r: t.r };
  return s.replace(/%(.?)/g, (whole, c: string) => {
    const v = table[c];
    if (v === undefined) throw new Error(`ProxyCommand: unknown token ${whole} in ${JSON.stringify(s)} (allowed: %% %h %n %p %r)`);
    return v;
  });
}

/** %C: SHA-1 of %l%h%p%r%j, hex, as in OpenSSH 9.x. */
function connectionHash(t: TokenValues, local: string): string {
  return createHash('sha1').update(`${local}${t.h}${t.p}${t.r}${t.j ?? ''}`).digest('hex');
}

let uid: number | undefined;

/** The local uid (%i), read once: os.userInfo() reads the password database on every call. */
function safeUid(): number {
  if (uid === undefined) {
    try {
      uid = userInfo().uid;
    } catch {
      uid = process.getuid?.() ?? 0;
    }
  }
  return uid;
}
