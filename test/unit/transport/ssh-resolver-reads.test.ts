// The resolver reads a host's ssh config once per lookup: the ssh -G cache key's reading also says whether the answer
// depends on the address dialled (it was read a second time for that, for every host without a HostName).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as config from '../../../src/transport/ssh-config.js';
import { findSshBinary } from '../../../src/transport/ssh-g.js';
import { SshResolver } from '../../../src/transport/ssh-resolver.js';
import { tempDir } from '../../support/temp-dir.js';

vi.mock('../../../src/transport/ssh-config.js', async (original) => {
  const m = await original<typeof import('../../../src/transport/ssh-config.js')>();
  return { ...m, resolveBuiltin: vi.fn(m.resolveBuiltin) };
});

const ssh = findSshBinary({ PATH: process.env.PATH ?? '' });
const dir = tempDir('provision-resolver-reads-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ssh)('config readings per host', () => {
  it.each([
    ['no Match line: the address fills in HostName', 'Host k8s-*\n  User pi\n', '10.4.0.11', 22],
    ['a Match host line: ssh -G asked again with the address', 'Match host 10.4.0.*\n  Port 2222\n', '10.4.0.11', 2222],
  ])('%s, with one reading of the config', async (_, text, address, port) => {
    const conf = join(dir, `c${port}.conf`);
    writeFileSync(conf, text);
    const reads = vi.mocked(config.resolveBuiltin);
    reads.mockClear();
    const r = new SshResolver({ configFile: conf, sshBinary: ssh!, env: { PATH: process.env.PATH }, cacheDir: join(dir, `cache${port}`) });
    const s = await r.resolve({ name: 'k8s-a', address });
    expect([s.hostname, s.port]).toEqual([address, port]);
    // One reading for the name's cache key (which also answers host-dependence); the Match case adds the key of the
    // second lookup (with the address), never a reading just to ask.
    expect(reads.mock.calls.length).toBe(port === 22 ? 1 : 2);
  });
});
