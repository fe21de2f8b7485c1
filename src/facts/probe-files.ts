// Every probed file in one process, however many: one `tar`, its raw stream in the probe's output (its headers carry
// type, mode and owner; the controller hashes the contents).
import { createHash } from 'node:crypto';
import { quote } from '../core/command.js';
import type { FileFact } from '../core/types.js';
import { readTarEntries } from './parse-tar.js';

/** File content above this size is not kept in the fact (its sha256, mode and owner still are). */
export const FILE_CONTENT_CAP = 1024 * 1024;

/** Section id of the batch. */
export const FILES_TAR = 'files.tar';

/**
 * A path the batch can carry (tar takes any name; a newline would only make the listing ambiguous). Other paths
 * (never seen from a module in practice) are probed one by one.
 */
export function batchable(path: string): boolean {
  return !path.includes('\n') && path.length > 0;
}

/**
 * Shell lines: tar every path (dereferenced, hard links stored whole, directories as their own header only; a
 * missing path is left out) straight into the output: the section is the archive, byte for byte (the next section's
 * header starts with its own newline), padded with zeros to tar's 10 KiB record: tar writes a record at a time, and
 * `-b 1` made that a write (an SSH packet) per 512 bytes. Ends with the positional parameters reset.
 */
export function fileBatchLines(paths: string[]): string[] {
  if (paths.length === 0) return [];
  return [
    `set -- ${paths.map(quote).join(' ')}`,
    `s ${FILES_TAR}; tar -c -h --hard-dereference -P --no-recursion -b 20 --format=gnu -f - -- "$@" 2>/dev/null; set --`,
  ];
}

/**
 * The archive's bytes in a probe's output: from the raw output when the session kept it, else re-encoded from the
 * text (exact for text files; a session that decoded invalid UTF-8 has lost those bytes). Undefined: no batch.
 */
export function fileBatchBytes(sections: ReadonlyMap<string, string>, marker: string, raw?: Buffer): Buffer | undefined {
  if (!sections.has(FILES_TAR)) return undefined;
  if (!raw) return Buffer.from(sections.get(FILES_TAR)!, 'utf8');
  const head = Buffer.from(`\n${marker} ${FILES_TAR}\n`);
  const start = raw.indexOf(head);
  if (start < 0) return Buffer.alloc(0);
  const end = raw.indexOf(Buffer.from(`\n${marker} `), start + head.length);
  return raw.subarray(start + head.length, end < 0 ? raw.length : end);
}

/**
 * path → FileFact for the batched paths from the archive (fileBatchBytes), or undefined when the probe carried no
 * batch (it stopped early). A path missing from the archive does not exist (or is a dangling symlink).
 */
export function parseFileBatch(archive: Buffer | undefined, paths: string[]): Map<string, FileFact> | undefined {
  if (!archive) return undefined;
  const entries = readTarEntries(archive);
  const facts = new Map<string, FileFact>();
  for (const path of paths) {
    const e = entries.get(path) ?? entries.get(`${path}/`); // GNU tar names a directory member with a trailing slash
    if (!e) {
      facts.set(path, { exists: false });
      continue;
    }
    const fact: FileFact = { exists: true, mode: e.mode, owner: e.owner, group: e.group };
    if (e.data) {
      fact.sha256 = createHash('sha256').update(e.data).digest('hex');
      if (e.data.length <= FILE_CONTENT_CAP) fact.content = e.data.toString('utf8');
    }
    facts.set(path, fact);
  }
  return facts;
}
