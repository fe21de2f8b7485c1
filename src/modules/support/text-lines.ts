// Splits file text into lines that keep their own line endings, so edits never touch other lines' bytes.

export interface TextLine {
  /** The line without its ending. */
  text: string;
  /** '\n', '\r\n', or '' for a last line without a newline. */
  eol: string;
}

export function splitLines(content: string): TextLine[] {
  if (content === '') return [];
  const out: TextLine[] = [];
  for (const raw of content.split(/(?<=\n)/)) {
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    out.push({ text: raw.slice(0, raw.length - eol.length), eol });
  }
  return out;
}

export function joinLines(lines: TextLine[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/** The file's dominant line ending, for lines we add: CRLF only if the file already uses it. */
export function lineEnding(lines: TextLine[]): '\n' | '\r\n' {
  const crlf = lines.filter((l) => l.eol === '\r\n').length;
  const lf = lines.filter((l) => l.eol === '\n').length;
  return crlf > lf ? '\r\n' : '\n';
}

/** Appends lines at the end, first giving an unterminated last line its newline. */
export function appendLines(lines: TextLine[], texts: string[]): TextLine[] {
  const eol = lineEnding(lines);
  const out = lines.map((l, i) => (i === lines.length - 1 && l.eol === '' ? { ...l, eol } : l));
  return [...out, ...texts.map((text) => ({ text, eol }))];
}
