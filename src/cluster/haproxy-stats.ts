// Reads HAProxy's own word on the API backends: the CSV its stats page serves (`/stats;csv`), as status fetches it raw.
import { HAPROXY_STATS_PORT } from './haproxy-config.js';

/** The backend haproxy-config.ts renders for the control planes. */
export const API_BACKEND = 'kube-apiserver';

export interface BackendServer {
  server: string;
  /** HAProxy's state: UP, DOWN, "UP 1/3" (going down), "DOWN 1/2" (coming up), MAINT, NOLB, "no check". */
  status: string;
  /** The last health check's result, e.g. L7OK, L4CON, L4TOUT, and its description when HAProxy gives one. */
  check?: string;
}

/** The shell (bash, no curl needed) that prints the raw HTTP response of the stats page on the lb host. */
export function statsCsvCommand(port = HAPROXY_STATS_PORT): string {
  return `timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && printf "GET /stats;csv HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3' 2>&1`;
}

/** The body of a raw HTTP/1.x response, de-chunked when HAProxy sends it chunked (it does, even to HTTP/1.0). */
function httpBody(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  if (!raw.startsWith('HTTP/') || split < 0) throw new Error(`not an HTTP response: ${raw.trim().split('\n')[0]?.slice(0, 120) || '(empty)'}`);
  const head = raw.slice(0, split);
  const status = /^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1];
  if (status !== '200') throw new Error(`the stats page answered ${head.split('\r\n')[0]}`);
  let body = raw.slice(split + 4);
  if (!/^transfer-encoding:\s*chunked\s*$/im.test(head)) return body;
  let out = '';
  for (;;) {
    const eol = body.indexOf('\r\n');
    const size = eol < 0 ? NaN : parseInt(body.slice(0, eol), 16);
    if (Number.isNaN(size)) throw new Error('a chunked response cut short');
    if (size === 0) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    body = body.slice(eol + 2 + size + 2);
  }
}

/** The servers of `backend` (not its FRONTEND/BACKEND rows) with their state, from the raw stats response. */
export function parseBackendServers(raw: string, backend: string): BackendServer[] {
  const lines = httpBody(raw).split('\n');
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) throw new Error('no CSV header in the stats page');
  const cols = header.slice(2).split(',');
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`the stats CSV has no ${name} column`);
    return i;
  };
  const [px, sv, st, chk, desc] = [at('pxname'), at('svname'), at('status'), at('check_status'), cols.indexOf('check_desc')];
  return lines
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(','))
    .filter((f) => f[px] === backend && f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND')
    .map((f) => {
      const check = [f[chk], desc >= 0 ? f[desc] : ''].filter(Boolean).join(' ');
      return { server: f[sv]!, status: f[st]!, ...(check ? { check } : {}) };
    });
}

/** A server that takes traffic: UP, or UP and going down (`UP 1/3`: still in rotation until the fall count is reached). */
export const isUp = (s: BackendServer): boolean => /^UP\b/.test(s.status);
