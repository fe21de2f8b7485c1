// `provision persist`: what the keeper says it holds, shown as lines or JSON, and `stop` asking it to end; against a
// stand-in keeper on the socket a run would use (the real keeper's answers: test/unit/transport/keeper/keeper.test.ts).
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderConnections, viewOf } from '../../../src/cli/persist.js';
import { keeperSocketPath } from '../../../src/transport/keeper/keeper-client.js';
import { encodeFrame, FrameReader, keeperIdentity } from '../../../src/transport/keeper/frames.js';
import type { KeptConnection } from '../../../src/transport/keeper/keeper-server.js';
import { tempDir } from '../../support/temp-dir.js';
import { cli } from './capture.js';

const NOW = Date.now();
const HELD: KeptConnection[] = [
  { host: 'node-2', user: 'pi', address: '10.4.0.12', port: 22, since: NOW - 725_000, lastUsed: NOW - 41_000, persistMs: 1_800_000, running: 0 },
  { host: 'node-1', user: 'pi', address: '10.4.0.11', port: 2222, since: NOW - 60_000, lastUsed: NOW - 5_000, persistMs: 600_000, running: 1 },
];

let saved: string | undefined;
let server: Server | undefined;
const asked: string[] = [];

beforeEach(() => {
  saved = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = tempDir('provision-persist-cli-');
});
afterEach(async () => {
  if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
  else process.env.XDG_RUNTIME_DIR = saved;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  asked.length = 0;
});

/**
 * A stand-in keeper on the socket the CLI will look at: it answers status with HELD, and stop by going away; as an
 * older build's keeper (`older`) it knows no status; `identity` is the build it says it belongs to (default: this one).
 */
async function standIn(older = false, identity = keeperIdentity()): Promise<void> {
  const path = keeperSocketPath()!;
  server = createServer((sock) => {
    const reader = new FrameReader();
    sock.on('data', (chunk: Buffer) => {
      for (const { head } of reader.push(chunk)) {
        asked.push(String(head.op));
        if (head.op === 'status' && older) sock.end(encodeFrame({ ok: false, error: { name: 'Error', message: 'keeper: unknown op "status"' } }));
        else if (head.op === 'ping') sock.end(encodeFrame({ ok: true, pid: 4242, identity: 'provision-keeper/1 /old/main.js 1' }));
        else if (head.op === 'status') sock.end(encodeFrame({ ok: true, pid: 4242, identity, connections: HELD }));
        else if (head.op === 'stop') {
          sock.end(encodeFrame({ ok: true }));
          server!.close();
        } else sock.end(encodeFrame({ ok: true }));
      }
    });
  });
  await new Promise<void>((r) => server!.listen(path, r));
}

describe('provision persist', () => {
  it('lists each kept connection: login, time open, idle or running, and when it closes', async () => {
    await standIn();
    const r = await cli(['persist']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^2 kept connections \(keeper 4242, .*keeper-?.*\.sock\)$/);
    expect(lines[1]).toMatch(/^ {2}node-1 {2}pi@10\.4\.0\.11:2222 {2}open 1m0\ds {2}1 command running {2}closes in 10m00s$/);
    expect(lines[2]).toMatch(/^ {2}node-2 {2}pi@10\.4\.0\.12:22 {4}open 12m0\ds {2}idle 4\ds {2}closes in 29m1\ds$/);
    expect(asked).toEqual(['status']);
  });

  it('prints the same as JSON, times relative to now', async () => {
    await standIn();
    const r = await cli(['persist', 'status', '--json']);
    const doc = JSON.parse(r.out) as { keeper: { pid: number; socket: string }; connections: Array<Record<string, number | string>> };
    expect(doc.keeper).toEqual({ pid: 4242, socket: keeperSocketPath() });
    const byHost = Object.fromEntries(doc.connections.map((c) => [c.host, c]));
    expect(byHost['node-2']).toMatchObject({ user: 'pi', address: '10.4.0.12', port: 22, running: 0 });
    expect(byHost['node-2']!.idleMs).toBeGreaterThanOrEqual(41_000);
    expect(byHost['node-2']!.closesInMs).toBeLessThanOrEqual(1_800_000 - 41_000);
    expect(byHost['node-1']).toMatchObject({ idleMs: 0, closesInMs: 600_000, running: 1 });
  });

  it('stop asks the keeper to end and says what it closed; with none running it says so', async () => {
    await standIn();
    const r = await cli(['persist', 'stop']);
    expect(r).toMatchObject({ code: 0, out: 'closed 2 kept connections (keeper 4242 stopped)\n' });
    expect(asked).toEqual(['status', 'stop', ...asked.slice(2)]);
    expect(asked.slice(2).every((op) => op === 'ping')).toBe(true);
    expect(await cli(['persist', 'stop'])).toMatchObject({ code: 0, out: 'no connections kept: no keeper is running\n' });
    expect(await cli(['persist', 'stop', '--json'])).toMatchObject({ code: 0, out: '{"stopped":false}\n' });
    expect(await cli(['persist'])).toMatchObject({ code: 0, out: 'no connections kept: no keeper is running\n' });
    expect(JSON.parse((await cli(['persist', '--json'])).out)).toEqual({ keeper: null, connections: [] });
  });

  it("says so when another build's keeper (one that cannot list) holds the connections, and stop still ends it", async () => {
    await standIn(true);
    const r = await cli(['persist']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^a keeper of another build of provision \(pid 4242, provision-keeper\/1 \/old\/main\.js 1\)/);
    expect(JSON.parse((await cli(['persist', '--json'])).out)).toMatchObject({ keeper: { pid: 4242, otherBuild: 'provision-keeper/1 /old/main.js 1' }, connections: [] });
    expect(await cli(['persist', 'stop'])).toMatchObject({ code: 0, out: 'the keeper stopped\n' });
  });

  it("lists another build's keeper that can list, and says so: the next run of this build replaces it", async () => {
    await standIn(false, 'provision-keeper/1 /other/dist/cli/main.js 7');
    const r = await cli(['persist']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^2 kept connections \(keeper 4242 of another build of provision: provision-keeper\/1 \/other\/dist\/cli\/main\.js 7, .*\.sock\)$/);
    expect(lines.slice(1, 3).map((l) => l.trim().split(/\s+/)[0])).toEqual(['node-1', 'node-2']);
    expect(lines[3]).toMatch(/the next run of this build replaces that keeper/);
    const doc = JSON.parse((await cli(['persist', '--json'])).out) as { keeper: Record<string, unknown>; connections: unknown[] };
    expect(doc.keeper).toMatchObject({ pid: 4242, otherBuild: 'provision-keeper/1 /other/dist/cli/main.js 7' });
    expect(doc.connections).toHaveLength(2);
  });

  it('refuses an action it does not know', async () => {
    const r = await cli(['persist', 'close']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/unknown persist action 'close'[\s\S]*'status' \(the default\) or 'stop'/);
  });

  it('escapes control characters a host name or login could carry', () => {
    const c = { ...HELD[0]!, host: 'evil\x1b[2J', user: 'p\x07i' };
    const [line] = renderConnections([viewOf(c, NOW)]);
    expect(line).not.toMatch(/[\x00-\x1f]/);
  });
});
