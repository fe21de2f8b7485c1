// remove's decisions from data: refusals before anything changes (last control plane, quorum), the steps for a live and a dead node.
import { describe, expect, it } from 'vitest';
import { decideRemoval, inventoryWithout, quorumRefusals, staticRefusals, type RemovalFacts } from '../../../src/cluster/node-removal.js';
import { parseMemberList, type EtcdMember } from '../../../src/cluster/etcd-members.js';
import { goldentooth, homelab, homelabHa } from './fixtures.js';

const member = (name: string, started = true): EtcdMember => ({ id: Buffer.from(name).toString('hex').slice(0, 16), name, started, peerUrls: [] });
const three = [member('bettley'), member('cargyll'), member('dalt')];
const live = (dirty = ['/etc/kubernetes']): RemovalFacts['host'] => ({ reachable: true, dirty });

describe('staticRefusals (no connection needed)', () => {
  it('refuses a name not in the inventory, an lb host and the last control plane', () => {
    expect(staticRefusals(goldentooth(), 'nobody')[0]).toMatch(/nobody is not in the inventory \/tmp\/goldentooth.yaml/);
    expect(staticRefusals(goldentooth(), 'allyrion')[0]).toMatch(/lb host, not a Kubernetes node/);
    expect(staticRefusals(homelab(), 'k8s-cp-01')[0]).toMatch(/last control plane/);
    expect(staticRefusals(goldentooth(), 'dalt')).toEqual([]);
    expect(staticRefusals(goldentooth(), 'erenford')).toEqual([]);
  });
});

describe('quorumRefusals', () => {
  it('allows 3 → 2 members, refuses 2 → 1, refuses when the members left that are started are no majority', () => {
    expect(quorumRefusals('dalt', three)).toEqual([]);
    expect(quorumRefusals('dalt', three.slice(1))[0]).toMatch(/would leave etcd with 1 member \(cargyll\)/);
    expect(quorumRefusals('dalt', [member('a'), member('b', false), member('dalt')])[0]).toMatch(/only 1 started: not a majority/);
    expect(quorumRefusals('e', [member('a'), member('b'), member('c', false), member('d'), member('e')])).toEqual([]);
  });
  it('says nothing when the node is no member (already removed)', () => {
    expect(quorumRefusals('dalt', three.slice(0, 1))).toEqual([]);
  });
});

describe('decideRemoval', () => {
  it('a live worker: drain, reset and clean, delete the Node, refresh the others; no etcd step', () => {
    const d = decideRemoval(goldentooth(), 'erenford', { nodeInApi: true, host: live() });
    expect(d.refusals).toEqual([]);
    expect(d.steps.map((s) => s.step)).toEqual(['drain', 'reset-host', 'delete-node', 'refresh-others']);
    expect(d.steps.every((s) => !s.skip)).toBe(true);
    expect(d.work).toBe(true);
  });
  it('a live control plane of three: its etcd member is in the plan, HAProxy named in the refresh', () => {
    const d = decideRemoval(goldentooth(), 'dalt', { nodeInApi: true, members: three, host: live() });
    expect(d.steps.map((s) => s.step)).toEqual(['drain', 'reset-host', 'etcd-member-remove', 'delete-node', 'refresh-others']);
    expect(d.steps.find((s) => s.step === 'refresh-others')!.what).toMatch(/HAProxy backends/);
  });
  it('one of two control planes is refused, with no steps', () => {
    const d = decideRemoval(homelabHa(), 'k8s-cp-02', { nodeInApi: true, members: [member('k8s-cp-01'), member('k8s-cp-02')], host: live() });
    expect(d.refusals[0]).toMatch(/would leave etcd with 1 member/);
    expect(d.steps).toEqual([]);
  });
  it('a dead node: cordon instead of drain, host side skipped with the reason, cluster side still done', () => {
    const d = decideRemoval(goldentooth(), 'dalt', { nodeInApi: true, members: three, host: { reachable: false, why: 'connect ETIMEDOUT' } });
    expect(d.steps.map((s) => [s.step, s.skip ? 'skip' : 'run'])).toEqual([['cordon', 'run'], ['reset-host', 'skip'], ['etcd-member-remove', 'run'], ['delete-node', 'run'], ['refresh-others', 'run']]);
    expect(d.steps[1]!.skip).toMatch(/unreachable \(connect ETIMEDOUT\)/);
  });
  it('a re-run after everything was done: nothing but the refresh, so no work', () => {
    const d = decideRemoval(goldentooth(), 'dalt', { nodeInApi: false, members: three.slice(0, 2), host: live([]) });
    expect(d.steps.filter((s) => !s.skip).map((s) => s.step)).toEqual(['refresh-others']);
    expect(d.work).toBe(false);
  });
});

describe('inventoryWithout', () => {
  it('drops only that host', () => {
    const inv = inventoryWithout(goldentooth(), 'dalt');
    expect(inv.hosts.map((h) => h.name)).toEqual(['allyrion', 'bettley', 'cargyll', 'erenford', 'velaryon']);
    expect(goldentooth().hosts).toHaveLength(6);
  });
});

describe('parseMemberList (etcdctl member list, simple output)', () => {
  it('reads IDs, status, names and peer URLs; unstarted members have no name', () => {
    const m = parseMemberList('8e9e05c52164694d, started, bettley, https://10.4.0.11:2380, https://10.4.0.11:2379, false\n91bc3c398fb3c146, unstarted, , https://10.4.0.12:2380, , false\n');
    expect(m).toEqual([
      { id: '8e9e05c52164694d', name: 'bettley', started: true, peerUrls: ['https://10.4.0.11:2380'] },
      { id: '91bc3c398fb3c146', name: '', started: false, peerUrls: ['https://10.4.0.12:2380'] },
    ]);
  });
  it('throws on anything else (an error text is never taken for an empty list)', () => {
    expect(() => parseMemberList('Error: context deadline exceeded')).toThrow(/not an etcdctl member list line/);
  });
});
