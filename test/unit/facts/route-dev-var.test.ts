// primary-link's device from base's one `ip` batch equals the device its own `ip route get` finds (in a namespace of
// the test's own: a dummy link, so nothing of this machine's network is read or touched).
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { parseBase } from '../../../src/facts/parse-base.js';
import { splitSections } from '../../../src/facts/parse-sections.js';
import { buildProbe } from '../../../src/facts/probe.js';
import { primaryLink } from '../../../src/facts/kinds/primary-link.js';
import { parseLinkProbe } from '../../../src/facts/kinds/primary-link.js';
import { requireProgram } from '../modules/real/programs.js';

const haveUnshare = await requireProgram('unshare', 'util-linux');
const args = { gateway: '10.77.0.1', ownNetplanFile: '90-x.yaml', networkdDropinName: '90-x.conf' };
const SETUP = 'ip link add p0 type veth peer name p1 && ip addr add 10.77.0.5/24 dev p0 && ip link set p0 up && ip link set p1 up && ip link add q0 type veth peer name q1 && ip addr add 10.88.0.5/24 dev q0 && ip link set q0 up && ip link set q1 up';

async function dev(opts: { skipBase: boolean; nodes?: string }): Promise<string | undefined> {
  const probe = buildProbe({ items: [{ kind: 'fact', fact: primaryLink.name, args }], marker: 'MK', skipBase: opts.skipBase, ...(opts.nodes ? { nodesProbeAddress: opts.nodes } : {}) });
  const r = await execa('unshare', ['-rn', 'sh', '-c', `${SETUP} && sh -c "$1"`, 'sh', probe.script], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const parsed = parseProbe(r.stdout, probe);
  const key = [...parsed.tables.facts!.keys()][0]!;
  return parseLinkProbe(parsed.tables.facts!.get(key)!.stdout).dev;
}

describe.runIf(haveUnshare)('the gateway\'s route device read once, in base', () => {
  it('is the device `ip route get` names, with the nodes\' route asked in the same batch or not', async () => {
    expect(await dev({ skipBase: true })).toBe('p0');
    expect(await dev({ skipBase: false })).toBe('p0');
    expect(await dev({ skipBase: false, nodes: '10.88.0.1' })).toBe('p0');
    expect(await dev({ skipBase: false, nodes: '10.77.0.1' })).toBe('p0');
    expect(await dev({ skipBase: false, nodes: '10.99.0.1' })).toBe('p0'); // no route to the nodes: the gateway's line still found
  });
});

describe.runIf(haveUnshare)('base\'s one `ip` batch, split into its lines', () => {
  it('gives the routes, the addresses and the route to the nodes (the primary interface and address)', async () => {
    const probe = buildProbe({ items: [], marker: 'MK', nodesProbeAddress: '10.88.0.1' });
    const r = await execa('unshare', ['-rn', 'sh', '-c', `${SETUP} && sh -c "$1"`, 'sh', probe.script], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const sections = splitSections(r.stdout, 'MK');
    const base = parseBase(sections);
    expect(base.routes.map((x) => `${x.dst} ${x.dev}`).sort()).toEqual(['10.77.0.0/24 p0', '10.88.0.0/24 q0']);
    expect(base.primaryInterface).toBe('q0');
    expect(base.primaryAddress).toBe('10.88.0.5');
    const addrs = JSON.parse(sections.get('base.addr')!) as { ifname: string }[];
    expect(addrs.map((a) => a.ifname).sort()).toEqual(['lo', 'p0', 'p1', 'q0', 'q1']);
  });
});
