// The real haproxy 2.6 stats page recorded in test/fixtures/haproxy (API servers refusing: DOWN), and pages derived
// from it: its CSV body, re-chunked at any size, with chosen servers turned UP (the body edited, then re-chunked).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const recordedStatsPage = readFileSync(join(import.meta.dirname, '../fixtures/haproxy/stats-csv-2.6-down.http'), 'utf8');

/** The recorded response's body, de-chunked by hand (not by the code under test). */
export function statsBody(raw = recordedStatsPage): string {
  let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  let out = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const n = parseInt(rest.slice(0, eol), 16);
    if (!n) return out;
    out += rest.slice(eol + 2, eol + 2 + n);
    rest = rest.slice(eol + 4 + n);
  }
}

/** An HTTP/1.1 chunked response carrying `text` in chunks of `size` characters. */
export function chunkedPage(text: string, size: number): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('')}0\r\n\r\n`;
}

/** The recorded page with the servers in `up` passing their checks (UP, L7OK). */
export function statsPageWithUp(up: string[], size = 4096): string {
  const body = statsBody().split('\n').map((l) => (up.some((s) => l.startsWith(`kube-apiserver,${s},`)) ? l.replace(',DOWN,', ',UP,').replace('L4CON', 'L7OK').replace('Layer4 connection problem', 'Layer7 check passed') : l)).join('\n');
  return chunkedPage(body, size);
}
