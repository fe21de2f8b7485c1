// A small terminal emulator for tests: replays what a program wrote to a TTY (log-update's erase-and-redraw,
// cursor moves, autowrap) and returns the screen as text lines, so tests assert what a user would see.

const CSI = /^\u001b\[([?0-9;]*)([A-Za-z@])/;

export interface Screen {
  /** Every line from the top of the scrollback to the last line written, trailing spaces trimmed. */
  lines: string[];
  /** The widest line drawn (in characters) — a line that reached `cols` wrapped. */
  widest: number;
}

export function replay(bytes: string, cols = 80, rows = 24): Screen {
  const buf: string[][] = [[]];
  let row = 0;
  let col = 0;
  let widest = 0;
  const line = () => (buf[row] ??= []);
  const top = () => Math.max(0, buf.length - rows);
  for (let i = 0; i < bytes.length; ) {
    const ch = bytes[i]!;
    if (ch === '\u001b') {
      const m = CSI.exec(bytes.slice(i, i + 32));
      if (!m) {
        // Other escapes (ESC 7, ESC 8, ESC c ...): skip the escape and its one-character final byte.
        i += 2;
        continue;
      }
      i += m[0].length;
      const [, params, cmd] = m;
      if (params!.startsWith('?')) continue;
      const n = params ? Number(params.split(';')[0]) : 0;
      switch (cmd) {
        case 'A': row = Math.max(top(), row - (n || 1)); break;
        case 'B': row += n || 1; while (buf.length <= row) buf.push([]); break;
        case 'C': col = Math.min(cols - 1, col + (n || 1)); break;
        case 'D': col = Math.max(0, col - (n || 1)); break;
        case 'G': col = Math.max(0, (n || 1) - 1); break;
        case 'K': {
          const l = line();
          if (n === 2) l.length = 0;
          else if (n === 1) for (let c = 0; c <= col; c++) l[c] = ' ';
          else l.length = Math.min(l.length, col);
          break;
        }
        case 'J': if (n === 0) { line().length = Math.min(line().length, col); buf.length = row + 1; } break;
        default: break; // colours (m) and anything else change no text
      }
      continue;
    }
    i++;
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      while (buf.length <= row) buf.push([]);
    } else if (ch === '\b') col = Math.max(0, col - 1);
    else if (ch >= ' ' || ch === '\t') {
      if (col >= cols) {
        row++;
        col = 0;
        while (buf.length <= row) buf.push([]);
      }
      const l = line();
      while (l.length < col) l.push(' ');
      l[col++] = ch;
      widest = Math.max(widest, col);
    }
  }
  const lines = buf.map((l) => l.join('').trimEnd());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return { lines, widest };
}
