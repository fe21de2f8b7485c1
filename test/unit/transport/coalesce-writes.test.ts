// Packets written in one tick leave corked together; the bytes arrive whole and in order.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from '../../../src/transport/coalesce-writes.js';

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

async function pair(): Promise<{ client: Socket; received: () => Promise<Buffer> }> {
  const chunks: Buffer[] = [];
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  const server = createServer((s) => {
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => ended());
    closers.push(() => s.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  const client = coalesceWrites(connect((server.address() as AddressInfo).port, '127.0.0.1'));
  await once(client, 'connect');
  closers.push(() => client.destroy());
  const received = async () => {
    client.end();
    await done; // the server saw the client's end: every byte before it has arrived
    return Buffer.concat(chunks);
  };
  return { client, received };
}

describe('coalesceWrites', () => {
  it('corks the socket for the rest of the tick of its first write, and uncorks it before the next', async () => {
    const { client } = await pair();
    expect(client.writableCorked).toBe(0);
    client.write('a');
    client.write('b');
    expect(client.writableCorked).toBe(1); // held: both leave in one writev at the end of the tick
    await new Promise((r) => process.nextTick(r));
    expect(client.writableCorked).toBe(0);
    client.write('c');
    expect(client.writableCorked).toBe(1);
  });

  it('loses and reorders nothing across ticks, callbacks and buffers', async () => {
    const { client, received } = await pair();
    const written: string[] = [];
    for (let t = 0; t < 20; t++) {
      for (let i = 0; i < 3; i++) {
        const s = `${t}.${i};`;
        written.push(s);
        client.write(i === 1 ? Buffer.from(s) : s);
      }
      await new Promise((r) => (t % 2 ? setImmediate(r) : process.nextTick(r)));
    }
    await new Promise<void>((r) => client.write('end', () => r()));
    expect((await received()).toString()).toBe(`${written.join('')}end`);
  });
});
