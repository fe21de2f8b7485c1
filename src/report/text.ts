// Terminal text helpers: visible width (colour codes excluded), truncation with an ellipsis, word wrap, durations.

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function visible(s: string): string {
  return s.replace(ANSI, '');
}

/** Cuts `s` (which may hold colour codes) to `width` visible characters, ending in "…" when cut. */
export function truncate(s: string, width: number): string {
  if (visible(s).length <= width) return s;
  const plain = visible(s);
  return width <= 1 ? plain.slice(0, Math.max(0, width)) : `${plain.slice(0, width - 1)}…`;
}

/** Wraps plain text at word boundaries to `width` (hard-cuts words longer than a line); keeps existing newlines. */
export function wrap(s: string, width: number): string[] {
  const out: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(/ +/)) {
      let w = word;
      while (w.length > width) {
        if (line) out.push(line);
        out.push(w.slice(0, width));
        w = w.slice(width);
        line = '';
      }
      if (!line) line = w;
      else if (line.length + 1 + w.length <= width) line += ` ${w}`;
      else {
        out.push(line);
        line = w;
      }
    }
    out.push(line);
  }
  return out;
}

/** 0.4s, 12s, 3m05s, 1h02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Errors often start with the host's name already ("bettley: cannot connect..."): say it once. */
export function withoutHost(host: string, error: string): string {
  return error.startsWith(`${host}: `) ? error.slice(host.length + 2) : error;
}
