// The stats reader against the real haproxy (loopback only): its CSV, chunked HTTP and server states as HAProxy prints them.
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyStatsScript, httpBody, isUp, parseApiBackends } from '../../../src/cluster/haproxy-stats.js';
import { requireProgram, scratchDir } from '../modules/real/programs.js';

describe('httpBody', () => {
  it('joins chunks, also when a chunk boundary falls inside a line', () => {
    const body = '# pxname,svname,status\nkube-apiserver,a,UP\n';
    const [x, y] = [body.slice(0, 30), body.slice(30)];
    const http = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${x.length.toString(16)}\r\n${x}\r\n${y.length.toString(16)}\r\n${y}\r\n0\r\n\r\n`;
    expect(httpBody(http)).toBe(body);
    expect(parseApiBackends(http)).toEqual([{ name: 'a', status: 'UP' }]);
  });
  it('a body without chunking, and plain text, pass through', () => {
    expect(httpBody('HTTP/1.0 200 OK\r\ncontent-length: 3\r\n\r\nabc')).toBe('abc');
    expect(httpBody('abc')).toBe('abc');
  });
  it('no CSV header: undefined (not an empty backend)', () => expect(parseApiBackends('HTTP/1.1 503 x\r\n\r\n<html>')).toBeUndefined());
  it('transitions count as in rotation only while UP', () => {
    expect(isUp({ name: 'a', status: 'UP 1/3' })).toBe(true);
    expect(isUp({ name: 'a', status: 'DOWN 1/2' })).toBe(false);
    expect(isUp({ name: 'a', status: 'MAINT' })).toBe(false);
  });
});

const haveHaproxy = await requireProgram('haproxy', 'haproxy');

describe.skipIf(!haveHaproxy)('the real haproxy: one healthy backend, one refusing', () => {
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
    // The same backend shape provision renders (haproxy-config.ts), with plain HTTP checks: no TLS server here.
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

  it('the stats script (bash /dev/tcp, no curl) reads both servers; HAProxy settles on cp-a UP and cp-b DOWN', async () => {
    let servers: ReturnType<typeof parseApiBackends>;
    for (let i = 0; i < 200; i++) {
      const r = await execa('bash', ['-c', haproxyStatsScript(statsPort)], { reject: false });
      servers = parseApiBackends(String(r.stdout));
      if (servers?.find((s) => s.name === 'cp-a')?.status === 'UP' && servers.find((s) => s.name === 'cp-b')?.status === 'DOWN') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(servers!).toEqual([{ name: 'cp-a', status: 'UP' }, { name: 'cp-b', status: 'DOWN' }]);
    expect(servers!.filter(isUp).map((s) => s.name)).toEqual(['cp-a']);
  });
});
