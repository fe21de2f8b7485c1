// Issue 19 item 5: facts, verify (and ping) lint the network plan before any connection, and take --accept-lint like run/up/join.
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cli } from './capture.js';

const connects = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/transport/index.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  // The point where a verb starts reaching hosts: counted, then refused (no host is contacted in a unit test).
  createConnector: () => {
    connects.count++;
    throw new Error('test: a connection was about to be made');
  },
}));

const GOLDENTOOTH = join(import.meta.dirname, '../../../inventory/goldentooth.yaml'); // kept as built: it has lint errors

beforeEach(() => {
  connects.count = 0;
});

describe.each(['facts', 'verify', 'ping'])('provision %s', (verb) => {
  it('stops on the network plan\'s lint errors before connecting, naming them and --accept-lint', async () => {
    const r = await cli([verb, '-i', GOLDENTOOTH]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/goldentooth\.yaml:\d+:\d+: error metallb-unrouted: /);
    expect(r.err).toMatch(/hint: fix the inventory, or proceed knowingly with --accept-lint metallb-unrouted$/m);
    expect(connects.count).toBe(0);
  });

  it('--accept-lint with some of the codes still stops; with all of them it goes on to connect, warning', async () => {
    expect((await cli([verb, '-i', GOLDENTOOTH, '--accept-lint', 'bgp-peer'])).code).toBe(1);
    expect(connects.count).toBe(0);
    const r = await cli([verb, '-i', GOLDENTOOTH, '--accept-lint', 'metallb-unrouted,asn-reserved']);
    expect(r.err).toMatch(/warning metallb-unrouted: .*accepted with --accept-lint/);
    expect(connects.count).toBe(1);
  });

  it('--json: the lint failure is a JSON error object with the findings', async () => {
    const r = await cli([verb, '-i', GOLDENTOOTH, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { error: { findings: Array<{ code: string }> } };
    // goldentooth's AS numbers are warnings (its real cluster peers fine with them); the routing flaw is the error.
    expect(doc.error.findings.map((f) => f.code)).toEqual(['metallb-unrouted']);
    expect(connects.count).toBe(0);
  });
});
