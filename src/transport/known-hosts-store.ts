// known_hosts files on disk: loaded once per run, checked under a policy, new keys pinned by appending.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { quote } from '../core/command.js';
import type { HostKeyPolicy } from '../inventory/types.js';
import { HostKeyError } from './errors.js';
import {
  checkHostKey,
  fingerprint,
  formatKnownHostsLine,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';

/** The inventory's `hostKeys` policy (defined once, with the inventory's types). */
export type { HostKeyPolicy };

export interface VerifyRequest {
  /** Who we think we are talking to, for messages: inventory host name or ProxyJump hop. */
  host: string;
  /** The known_hosts lookup name (knownHostsName(address, port), or HostKeyAlias as it is). */
  name: string;
  /** On a non-default port without HostKeyAlias: the port-less name, checked read-only when `name` knows no key (as OpenSSH). */
  portlessName?: string;
  keyType: string;
  /** Public key blob, base64. */
  key: string;
  policy: HostKeyPolicy;
  /** Read these files (the first one receives pinned keys). */
  userFiles: string[];
  globalFiles: string[];
  /** Pin new keys hashed (HashKnownHosts yes) instead of in plain text. */
  hashNew: boolean;
}

interface LoadedFile {
  entries: KnownHostEntry[];
  lines: number;
  notes: string[];
  endsWithNewline: boolean;
}

/** One per run: caches parsed files and serialises appends to each file. */
export class KnownHostsStore {
  readonly #files = new Map<string, Promise<LoadedFile>>();
  readonly #writes = new Map<string, Promise<void>>();
  /** Notes about lines we skipped (e.g. @cert-authority), for -v output. */
  readonly notes: string[] = [];

  async verify(req: VerifyRequest): Promise<void> {
    const entries = await this.#entries([...req.userFiles, ...req.globalFiles]);
    const result = checkHostKey(entries, req.name, { type: req.keyType, base64: req.key });
    if (result.status === 'unknown' && req.portlessName && checkHostKey(entries, req.portlessName, { type: req.keyType, base64: req.key }).status === 'known') return;
    const fp = `${req.keyType} ${fingerprint(req.key)}`;
    const where = (e: KnownHostEntry) => `${e.file}:${e.line}`;
    const removeCmd = (e: KnownHostEntry) => `ssh-keygen -R ${quote(req.name)} -f ${quote(e.file)}`;
    switch (result.status) {
      case 'known':
        return;
      case 'revoked':
        throw new HostKeyError(`${req.host}: host key ${fp} is marked @revoked in ${where(result.entry)}; refusing to connect`, {
          host: req.host,
          problem: 'revoked',
          file: result.entry.file,
          line: result.entry.line,
          hint: 'the host must get a new host key (ssh-keygen -A on the host after removing the revoked one)',
        });
      case 'changed':
        if (req.policy === 'off') return;
        throw new HostKeyError(
          `${req.host}: HOST KEY CHANGED for ${req.name}: the server offered ${fp}, but ${where(result.entry)} pins a different ${req.keyType} key. ` +
            `This can be a man-in-the-middle attack. If the host was reinstalled, remove the old key with: ${removeCmd(result.entry)}`,
          { host: req.host, problem: 'changed', file: result.entry.file, line: result.entry.line, hint: removeCmd(result.entry) },
        );
      case 'other-type':
        if (req.policy === 'off') return;
        throw new HostKeyError(
          `${req.host}: the server offered ${fp}, but ${where(result.entry)} pins only a ${result.entry.keyType} key for ${req.name} and the server no longer offers it. ` +
            `If the host was reinstalled, remove the old key with: ${removeCmd(result.entry)}`,
          { host: req.host, problem: 'other-type', file: result.entry.file, line: result.entry.line, hint: removeCmd(result.entry) },
        );
      case 'unknown': {
        if (req.policy === 'off') return;
        const target = req.userFiles[0];
        if (req.policy === 'strict' || target === undefined) {
          throw new HostKeyError(
            `${req.host}: host key for ${req.name} is not in ${[...req.userFiles, ...req.globalFiles].join(', ') || 'any known_hosts file'} and the host-key policy is strict (server offered ${fp})`,
            {
              host: req.host,
              problem: 'unknown',
              hint: `check the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_${shortType(req.keyType)}_key.pub), then connect once with --host-keys accept-new or add the key to known_hosts`,
            },
          );
        }
        await this.#pin(target, formatKnownHostsLine({ name: req.name, type: req.keyType, base64: req.key, hashed: req.hashNew }));
        return;
      }
    }
  }

  /** Key types pinned for `name` (else for the port-less name), so the transport asks sshd for those first, like OpenSSH. */
  async preferredKeyTypes(name: string, files: string[], portlessName?: string): Promise<string[]> {
    const entries = await this.#entries(files);
    const types = knownKeyTypes(entries, name);
    return types.length > 0 || !portlessName ? types : knownKeyTypes(entries, portlessName);
  }

  async #entries(files: string[]): Promise<KnownHostEntry[]> {
    const loaded = await Promise.all(files.map((f) => this.#load(f)));
    return loaded.flatMap((l) => l.entries);
  }

  #load(file: string): Promise<LoadedFile> {
    let p = this.#files.get(file);
    if (!p) {
      p = readFile(file, 'utf8').then(
        (text) => {
          const parsed = parseKnownHosts(text, file);
          this.notes.push(...parsed.notes);
          return { ...parsed, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), endsWithNewline: text === '' || text.endsWith('\n') };
        },
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return { entries: [], notes: [], lines: 0, endsWithNewline: true };
          throw err;
        },
      );
      this.#files.set(file, p);
    }
    return p;
  }

  /** Append one line, creating ~/.ssh (0700) and the file (0600) when missing. Serialised per file. */
  #pin(file: string, line: string): Promise<void> {
    const previous = this.#writes.get(file) ?? Promise.resolve();
    const next = previous.then(async () => {
      const loaded = await this.#load(file);
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      const exists = await stat(file).then(
        () => true,
        () => false,
      );
      const prefix = exists && !loaded.endsWithNewline ? '\n' : '';
      await appendFile(file, `${prefix}${line}\n`, { mode: 0o600 });
      loaded.endsWithNewline = true;
      loaded.lines += 1;
      const parsed = parseKnownHosts(line, file).entries[0];
      if (parsed) loaded.entries.push({ ...parsed, line: loaded.lines });
    });
    this.#writes.set(file, next.catch(() => undefined));
    return next;
  }
}

function shortType(type: string): string {
  if (type === 'ssh-ed25519') return 'ed25519';
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  if (type === 'ssh-rsa') return 'rsa';
  return '*';
}
