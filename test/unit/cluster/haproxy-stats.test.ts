// HAProxy's stats CSV as the real haproxy 2.6 serves it (recorded: two API servers refusing connections), read for
// status and failover: the backend's servers with their state; chunked bodies split anywhere; what is not a stats page
// is refused; and the real haproxy on loopback, read by the same command the lb host runs.
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BACKEND, isUp, parseBackendServers, statsCsvCommand, type BackendServer } from '../../../src/cluster/haproxy-stats.js';
import { requireProgram, scratchDir } from '../modules/real/programs.js';
import { recordedStatsPage, statsPageWithUp } from '../../support/haproxy-stats-page.js';

const recorded = recordedStatsPage;

describe('parseBackendServers', () => {
  it('reads each server of the backend with its state and last check, not the FRONTEND/BACKEND rows', () => {
    expect(parseBackendServers(recorded, 'kube-apiserver')).toEqual([
      { server: 'bettley', status: 'DOWN', check: 'L4CON Layer4 connection problem' },
      { server: 'cargyll', status: 'DOWN', check: 'L4CON Layer4 connection problem' },
    ]);
    expect(parseBackendServers(recorded, 'stats')).toEqual([]);
  });
  it('a body chunked at any size reads the same; UP servers read UP', () => {
    for (const size of [7, 100, 4096]) expect(parseBackendServers(statsPageWithUp(['bettley', 'cargyll'], size), 'kube-apiserver').map((s) => `${s.server} ${s.status} ${s.check}`)).toEqual(['bettley UP L7OK Layer7 check passed', 'cargyll UP L7OK Layer7 check passed']);
  });
  it('an error, a non-200 answer or a cut-short body is an error that says so', () => {
    expect(() => parseBackendServers('timeout: bash: connect: Connection refused', 'kube-apiserver')).toThrow(/not an HTTP response: timeout/);
    expect(() => parseBackendServers('HTTP/1.1 503 Service Unavailable\r\n\r\n', 'kube-apiserver')).toThrow(/answered HTTP\/1.1 503/);
    expect(() => parseBackendServers(recorded.slice(0, 400), 'kube-apiserver')).toThrow(/cut short/);
  });
  it('fetches the page with bash alone (nodes may have no curl), on loopback', () => {
    expect(statsCsvCommand()).toContain('/dev/tcp/127.0.0.1/8404');
    expect(statsCsvCommand()).toContain('GET /stats;csv HTTP/1.0');
  });
});

const haveHaproxy = await requireProgram('haproxy', 'haproxy');

describe('isUp', () => {
  it('a server counts as in rotation only while UP (also while counting failed checks)', () => {
    expect(isUp({ server: 'a', status: 'UP 1/3' })).toBe(true);
    expect(isUp({ server: 'a', status: 'DOWN 1/2' })).toBe(false);
    expect(isUp({ server: 'a', status: 'MAINT' })).toBe(false);
  });
});

describe.skipIf(!haveHaproxy)('the real haproxy on loopback: one healthy backend, one refusing', () => {
  const dir = scratchDir('haproxy-stats');
  let healthy: Server;
  let proc: ResultPromise | undefined;
  let statsPort = 0;
  const freePort = async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    return port;
  };

  beforeAll(async () => {
    healthy = createServer((req, res) => { res.statusCode = req.url === '/healthz' ? 200 : 404; res.end('ok'); });
    await new Promise<void>((r) => healthy.listen(0, '127.0.0.1', r));
    const up = (healthy.address() as AddressInfo).port;
    const refused = await freePort();
    statsPort = await freePort();
    const feport = await freePort();
    // The backend shape provision renders (haproxy-config.ts), with plain HTTP checks: no TLS server here.
    const cfg = [
      'defaults', '    mode tcp', '    timeout connect 1s', '    timeout client 10s', '    timeout server 10s', '    timeout check 1s',
      'frontend kube-apiserver', `    bind 127.0.0.1:${feport}`, '    default_backend kube-apiserver',
      'backend kube-apiserver', '    mode tcp', '    balance roundrobin', '    option httpchk GET /healthz', '    http-check expect status 200', '    default-server inter 200ms',
      `    server cp-a 127.0.0.1:${up} check fall 3 rise 2`, `    server cp-b 127.0.0.1:${refused} check fall 3 rise 2`,
      'frontend stats', '    mode http', `    bind 127.0.0.1:${statsPort}`, '    stats enable', '    stats uri /stats', '',
    ].join('\n');
    await writeFile(join(dir(), 'haproxy.cfg'), cfg);
    proc = execa('haproxy', ['-db', '-f', join(dir(), 'haproxy.cfg')], { reject: false });
  });
  afterAll(async () => {
    proc?.kill('SIGTERM');
    await proc;
    await new Promise((r) => healthy.close(r));
  });

  it('statsCsvCommand (bash /dev/tcp, no curl) reads both servers; HAProxy settles on cp-a UP and cp-b DOWN', async () => {
    let servers: BackendServer[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await execa('bash', ['-c', statsCsvCommand(statsPort)], { reject: false });
      try { servers = parseBackendServers(String(r.stdout), API_BACKEND); } catch { servers = []; }
      if (servers.find((s) => s.server === 'cp-a')?.status === 'UP' && servers.find((s) => s.server === 'cp-b')?.status === 'DOWN') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(servers.map((s) => [s.server, s.status])).toEqual([['cp-a', 'UP'], ['cp-b', 'DOWN']]);
    expect(servers.filter(isUp).map((s) => s.server)).toEqual(['cp-a']);
  });
});
