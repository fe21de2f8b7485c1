// known_hosts as data: parse OpenSSH's format (plain, [host]:port, hashed, wildcards, markers) and judge a key.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  marker?: 'revoked';
  /** Comma-separated host patterns (plain entries), possibly negated with `!`. */
  patterns?: string[];
  /** Hashed entry: HMAC-SHA1(salt, name) compared against `hash`. */
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  /** The key blob in base64, exactly as in the file. */
  key: string;
}

export interface KnownHostsFile {
  entries: KnownHostEntry[];
  /** Lines we understood but do not act on (e.g. @cert-authority), or could not parse. */
  notes: string[];
}

export function parseKnownHosts(text: string, file: string): KnownHostsFile {
  const entries: KnownHostEntry[] = [];
  const notes: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) marker = fields.shift();
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) {
      notes.push(`${file}:${line}: not a known_hosts entry, ignored`);
      return;
    }
    if (marker === '@cert-authority') {
      notes.push(`${file}:${line}: @cert-authority entries are not supported, ignored (host certificates are not checked)`);
      return;
    }
    if (marker !== undefined && marker !== '@revoked') {
      notes.push(`${file}:${line}: unknown marker ${marker}, line ignored`);
      return;
    }
    const entry: KnownHostEntry = { file, line, keyType, key, ...(marker ? { marker: 'revoked' as const } : {}) };
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (!salt || !hash) {
        notes.push(`${file}:${line}: malformed hashed host, ignored`);
        return;
      }
      entry.hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      entry.patterns = hosts.split(',').filter((p) => p !== '');
    }
    entries.push(entry);
  });
  return { entries, notes };
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. Lower-cased like OpenSSH. */
export function knownHostsName(host: string, port = 22): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/**
 * OpenSSH wildcard match: `*` any run, `?` one character, case-insensitive. A loop, not a RegExp built per call: a
 * run resolves every host against every `Host` line and known_hosts entry (100 hosts: ~10^5 calls).
 */
export function matchWildcard(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  let star = -1; // the last `*` seen, and where in `s` its run ends so far: on a mismatch that run grows by one
  let mark = 0;
  while (si < s.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi++;
      mark = si;
    } else if (c !== undefined && (c === '?' || c === s[si])) {
      pi++;
      si++;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

export function hashHostName(name: string, salt: Buffer): Buffer {
  return createHmac('sha1', salt).update(name).digest();
}

/** Does this entry name `name` (already in knownHostsName form)? A matching negated pattern wins. */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) return hashHostName(name, entry.hashed.salt).equals(entry.hashed.hash);
  let positive = false;
  for (const p of entry.patterns ?? []) {
    if (p.startsWith('!')) {
      if (matchWildcard(p.slice(1), name)) return false;
    } else if (matchWildcard(p, name)) positive = true;
  }
  return positive;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'other-type'; entry: KnownHostEntry };

/** Judge `key` for `name` the way OpenSSH does: revoked beats everything, then a match, then a conflict. */
export function checkHostKey(entries: KnownHostEntry[], name: string, key: { type: string; base64: string }): HostKeyCheck {
  const blob = normaliseBase64(key.base64);
  const revoked = entries.find((e) => e.marker === 'revoked' && normaliseBase64(e.key) === blob && entryMatches(e, name));
  if (revoked) return { status: 'revoked', entry: revoked };
  const mine = entries.filter((e) => e.marker === undefined && entryMatches(e, name));
  const same = mine.find((e) => e.keyType === key.type && normaliseBase64(e.key) === blob);
  if (same) return { status: 'known', entry: same };
  const conflict = mine.find((e) => e.keyType === key.type);
  if (conflict) return { status: 'changed', entry: conflict };
  const other = mine[0];
  if (other) return { status: 'other-type', entry: other };
  return { status: 'unknown' };
}

/** Key types already pinned for `name`: the transport asks sshd for these first, as OpenSSH does. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === undefined && entryMatches(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** One known_hosts line for a newly pinned key; hashed like `HashKnownHosts yes` when asked. */
export function formatKnownHostsLine(opts: { name: string; type: string; base64: string; hashed: boolean; salt?: Buffer }): string {
  if (!opts.hashed) return `${opts.name} ${opts.type} ${opts.base64}`;
  const salt = opts.salt ?? randomBytes(20);
  const hash = hashHostName(opts.name, salt);
  return `|1|${salt.toString('base64')}|${hash.toString('base64')} ${opts.type} ${opts.base64}`;
}

/** OpenSSH's fingerprint format: SHA256:<base64 without padding>. */
export function fingerprint(base64: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH wire-format public key blob. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new Error('host key blob too short');
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4 || len > 256) throw new Error('host key blob malformed');
  return blob.subarray(4, 4 + len).toString('latin1');
}

function normaliseBase64(s: string): string {
  return Buffer.from(s, 'base64').toString('base64');
}
