// Every probed file in three processes, however many: one `stat`, one `tar` of the small regular files, one `base64`.
import { createHash } from 'node:crypto';
import { quote } from '../core/command.js';
import type { FileFact } from '../core/types.js';
import { readTarFiles } from './parse-tar.js';

/** File content above this size is not read (sha256, mode and owner still are). */
export const FILE_CONTENT_CAP = 1024 * 1024;

/** Section ids of the batch. */
export const FILES_STAT = 'files.stat';
export const FILES_TAR = 'files.tar';
export const FILES_BIG = 'files.big';

/**
 * A path the batch can carry: its stat line is "SIZE MODE USER GROUP TYPE|PATH", so a newline would split it.
 * Other paths (never seen from a module in practice) are probed one by one.
 */
export function batchable(path: string): boolean {
  return !path.includes('\n') && path.length > 0;
}

/**
 * Shell lines: stat every path (missing ones print nothing), then pick the regular files up to the cap with
 * shell builtins only, tar them (dereferenced, hard links stored whole) and base64 the archive; a file over
 * the cap gets its sha256 instead. Ends with the positional parameters reset.
 */
export function fileBatchLines(paths: string[]): string[] {
  if (paths.length === 0) return [];
  return [
    `set -- ${paths.map(quote).join(' ')}`,
    `T=$(stat -L -c '%s %a %U %G %F|%n' -- "$@" 2>/dev/null)`,
    `s ${FILES_STAT}; printf '%s\\n' "$T"`,
    `s ${FILES_BIG}; set --`,
    `while IFS= read -r l; do [ -n "$l" ] || continue; z=\${l%% *}; r=\${l#* * * * }; f=\${r#*|}; case "\${r%%|*}" in regular*) if [ "$z" -le ${FILE_CONTENT_CAP} ]; then set -- "$@" "$f"; else h=$(sha256sum < "$f"); printf '%s %s\\n' "\${h%% *}" "$f"; fi;; esac; done <<PROVISION_STAT_END`,
    // An unquoted delimiter expands $T once; its text (paths with $ or `) is not expanded again.
    `$T`,
    `PROVISION_STAT_END`,
    `s ${FILES_TAR}; if [ $# -gt 0 ]; then tar -c -h --hard-dereference -P --no-recursion -b 1 --format=gnu -f - -- "$@" 2>/dev/null | base64 -w0; echo; fi; set --`,
  ];
}

interface StatLine {
  size: number;
  mode: number;
  owner: string;
  group: string;
  regular: boolean;
}

function parseStatLines(body: string | undefined): Map<string, StatLine> {
  const out = new Map<string, StatLine>();
  for (const line of (body ?? '').split('\n')) {
    const m = /^(\d+) ([0-7]+) (\S+) (\S+) ([^|]+)\|(.*)$/.exec(line);
    if (!m) continue;
    out.set(m[6]!, { size: Number(m[1]), mode: parseInt(m[2]!, 8), owner: m[3]!, group: m[4]!, regular: m[5]!.startsWith('regular') });
  }
  return out;
}

function parseBigLines(body: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (body ?? '').split('\n')) {
    const m = /^([0-9a-f]{64}) (.*)$/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/**
 * path → FileFact for the batched paths, or undefined when the probe carried no batch (it stopped early).
 * A small regular file missing from the archive vanished between stat and tar: it is reported as absent.
 */
export function parseFileBatch(sections: ReadonlyMap<string, string>, paths: string[]): Map<string, FileFact> | undefined {
  if (!sections.has(FILES_STAT)) return undefined;
  const stats = parseStatLines(sections.get(FILES_STAT));
  const big = parseBigLines(sections.get(FILES_BIG));
  const contents = readTarFiles(Buffer.from((sections.get(FILES_TAR) ?? '').trim(), 'base64'));
  const facts = new Map<string, FileFact>();
  for (const path of paths) {
    const st = stats.get(path);
    if (!st) {
      facts.set(path, { exists: false });
      continue;
    }
    const fact: FileFact = { exists: true, mode: st.mode, owner: st.owner, group: st.group };
    if (st.regular && st.size > FILE_CONTENT_CAP) {
      if (big.has(path)) fact.sha256 = big.get(path)!;
    } else if (st.regular) {
      const bytes = contents.get(path);
      if (!bytes) {
        facts.set(path, { exists: false });
        continue;
      }
      fact.sha256 = createHash('sha256').update(bytes).digest('hex');
      fact.content = bytes.toString('utf8');
    }
    facts.set(path, fact);
  }
  return facts;
}
