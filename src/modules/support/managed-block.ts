// Managed blocks: text between `# BEGIN <marker>` and `# END <marker>` lines that provision owns.
import { appendLines, joinLines, lineEnding, splitLines, type TextLine } from './text-lines.js';

export interface ManagedBlockOptions {
  /** The file's current content ('' when the file does not exist). */
  current: string;
  /** The block's lines (a trailing newline is ignored); null removes the block. */
  block: string | null;
  /** Default 'provision': the lines are `# BEGIN provision` and `# END provision`. */
  marker?: string;
  /** The comment leader of the file format. Default '#'. */
  comment?: string;
}

export function markerLines(marker = 'provision', comment = '#'): { begin: string; end: string } {
  return { begin: `${comment} BEGIN ${marker}`, end: `${comment} END ${marker}` };
}

/** Where the block is now: both indexes, or null when absent. Throws on duplicate or unbalanced markers. */
export function findBlock(lines: TextLine[], begin: string, end: string): { begin: number; end: number } | null {
  const at = (m: string) => lines.flatMap((l, i) => (l.text.trimEnd() === m ? [i] : []));
  const b = at(begin);
  const e = at(end);
  if (b.length > 1 || e.length > 1) throw new Error(`duplicate '${b.length > 1 ? begin : end}' lines; fix the file by hand`);
  if (b.length !== e.length) throw new Error(`unbalanced markers: '${b.length ? begin : end}' without its partner; fix the file by hand`);
  if (b.length === 0) return null;
  if (e[0]! < b[0]!) throw new Error(`'${end}' comes before '${begin}'; fix the file by hand`);
  return { begin: b[0]!, end: e[0]! };
}

/**
 * The whole new content: the block replaced in place, appended when absent, removed when block is null.
 * Other lines keep their bytes (CRLF, missing final newline). Throws on duplicate/unbalanced markers.
 */
export function managedBlock(opts: ManagedBlockOptions): string {
  const { begin, end } = markerLines(opts.marker, opts.comment);
  const lines = splitLines(opts.current);
  const found = findBlock(lines, begin, end);
  if (opts.block === null) {
    if (!found) return opts.current;
    return joinLines([...lines.slice(0, found.begin), ...lines.slice(found.end + 1)]);
  }
  const body = opts.block === '' ? [] : opts.block.replace(/\r?\n$/, '').split(/\r?\n/);
  if (body.some((l) => l.trimEnd() === begin || l.trimEnd() === end)) throw new Error(`the block must not contain its own marker lines`);
  const texts = [begin, ...body, end];
  if (!found) return joinLines(appendLines(lines, texts));
  const eol = lineEnding(lines);
  const last = lines[found.end]!;
  const rendered = texts.map((text, i) => ({ text, eol: i === texts.length - 1 && last.eol === '' ? '' : eol }));
  return joinLines([...lines.slice(0, found.begin), ...rendered, ...lines.slice(found.end + 1)]);
}
