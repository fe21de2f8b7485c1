// HAProxy's own view of the API backends: a read of its stats page on the lb host, and the parse of its CSV.
import { HAPROXY_STATS_PORT } from './haproxy-config.js';

/** The backend haproxy-config.ts renders for the control planes. */
export const API_BACKEND = 'kube-apiserver';

/**
 * Prints the stats page as CSV. The page listens on the lb host's loopback only (haproxy-config.ts); bash's /dev/tcp
 * reads it, so a node without curl is read the same way.
 */
export const haproxyStatsScript = (port = HAPROXY_STATS_PORT): string =>
  `timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && printf "GET /stats;csv HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n" >&3 && cat <&3'`;

/** One server of the API backend as HAProxy sees it: `UP`, `DOWN`, `MAINT`, `no check`, or a transition like `UP 1/3`. */
export interface BackendServer {
  name: string;
  status: string;
}

/**
 * The servers of the API backend from the CSV (after any HTTP header). The columns are found by the header line
 * (`# pxname,svname,...,status,...`), not by position: HAProxy has added columns between releases.
 */
export function parseApiBackends(text: string, backend = API_BACKEND): BackendServer[] | undefined {
  const lines = httpBody(text).split(/\r?\n/);
  const head = lines.findIndex((l) => l.startsWith('# pxname,'));
  if (head < 0) return undefined;
  const cols = lines[head]!.slice(2).split(',');
  const px = cols.indexOf('pxname'), sv = cols.indexOf('svname'), st = cols.indexOf('status');
  if (px < 0 || sv < 0 || st < 0) return undefined;
  const out: BackendServer[] = [];
  for (const line of lines.slice(head + 1)) {
    const f = line.split(',');
    if (f[px] !== backend || f[sv] === 'FRONTEND' || f[sv] === 'BACKEND' || !f[sv]) continue;
    out.push({ name: f[sv]!, status: f[st] ?? '' });
  }
  return out;
}

/**
 * The body of an HTTP response (or the text itself when it is not one). HAProxy 2.6 answers even an HTTP/1.0 request
 * with `transfer-encoding: chunked`, and a chunk boundary can fall inside a CSV line: the chunks are joined first.
 */
export function httpBody(text: string): string {
  if (!text.startsWith('HTTP/')) return text;
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return '';
  const head = text.slice(0, split).toLowerCase();
  let body = text.slice(split + 4);
  if (!/^transfer-encoding:\s*chunked\s*$/m.test(head)) return body;
  let out = '';
  for (;;) {
    const eol = body.indexOf('\r\n');
    const size = eol < 0 ? NaN : parseInt(body.slice(0, eol).split(';')[0]!, 16);
    if (!Number.isFinite(size) || size <= 0) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    body = body.slice(eol + 2 + size + 2);
  }
}

/** A server that takes traffic: UP, or UP and going down (`UP 1/3`: still in rotation until the fall count is reached). */
export const isUp = (s: BackendServer): boolean => /^UP\b/.test(s.status);
