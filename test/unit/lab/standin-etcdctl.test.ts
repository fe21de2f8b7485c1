// The lab's etcdctl against what remove and backup rely on: TLS flags required, member list in etcdctl's simple format
// (parsed by provision's own parser), member remove refusing unknown IDs and the last member, snapshots 0600.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMemberList } from '../../../src/cluster/etcd-members.js';
import { tempDir } from '../../support/temp-dir.js';

interface Member { name: string; address: string; joinedAt?: number }
interface State { cluster: string; members: Member[]; removedMembers?: Array<{ name: string }>; leases?: object }
const lib = (await import(/* @vite-ignore */ new URL('../../../src/lab/assets/standins/lib/etcdctl.mjs', import.meta.url).href)) as {
  etcdctl(s: State, args: string[], o: { self: string }): { code: number; stdout: string; stderr: string; changed?: boolean };
  memberId(m: Member): string;
  SNAPSHOT_MAGIC: string;
};

const dir = tempDir('i17-etcdctl-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['ca.crt', 'server.crt', 'server.key']) writeFileSync(join(dir, f), 'x');
const tls = [`--cacert=${dir}/ca.crt`, `--cert=${dir}/server.crt`, `--key=${dir}/server.key`, '--endpoints=https://127.0.0.1:2379'];
const state = (): State => ({ cluster: 'c', members: [{ name: 'a', address: '10.0.0.1' }, { name: 'b', address: '10.0.0.2', joinedAt: 5 }, { name: 'c', address: '10.0.0.3', joinedAt: 9 }], leases: { x: {} } });

describe('lab etcdctl', () => {
  it('refuses without the client certificate flags, as kubeadm\'s TLS-only etcd does', () => {
    const r = lib.etcdctl(state(), ['member', 'list'], { self: 'a' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/certificate required/);
  });
  it('member list prints what provision parses: hex IDs, started, names, peer URLs', () => {
    const s = state();
    const r = lib.etcdctl(s, [...tls, 'member', 'list'], { self: 'a' });
    expect(r.code).toBe(0);
    const m = parseMemberList(r.stdout);
    expect(m.map((x) => [x.name, x.started, x.peerUrls[0]])).toEqual([['a', true, 'https://10.0.0.1:2380'], ['b', true, 'https://10.0.0.2:2380'], ['c', true, 'https://10.0.0.3:2380']]);
    expect(m[1]!.id).toBe(lib.memberId(s.members[1]!));
    expect(new Set(m.map((x) => x.id)).size).toBe(3);
  });
  it('member remove: unknown or malformed IDs refused with etcd\'s messages, a known one removed and recorded', () => {
    const s = state();
    expect(lib.etcdctl(s, [...tls, 'member', 'remove', 'deadbeefdeadbeef'], { self: 'a' }).stderr).toMatch(/^Error: etcdserver: member not found/);
    expect(lib.etcdctl(s, [...tls, 'member', 'remove', 'node-b'], { self: 'a' }).stderr).toMatch(/expecting ID in Hex/);
    expect(s.members).toHaveLength(3);
    const id = lib.memberId(s.members[2]!);
    const r = lib.etcdctl(s, [...tls, 'member', 'remove', id], { self: 'a' });
    expect(r).toMatchObject({ code: 0, changed: true });
    expect(s.members.map((m) => m.name)).toEqual(['a', 'b']);
    expect(s.removedMembers?.map((m) => m.name)).toEqual(['c']);
    expect(lib.etcdctl(s, [...tls, 'member', 'remove', id], { self: 'a' }).stderr).toMatch(/member not found/);
  });
  it('the last member cannot be removed', () => {
    const s: State = { cluster: 'c', members: [{ name: 'a', address: '10.0.0.1' }] };
    expect(lib.etcdctl(s, [...tls, 'member', 'remove', lib.memberId(s.members[0]!)], { self: 'a' }).stderr).toMatch(/not enough started members/);
  });
  it('snapshot save writes a 0600 file with the state (without leases)', () => {
    const file = join(dir, 'snap.db');
    const r = lib.etcdctl(state(), [...tls, 'snapshot', 'save', file], { self: 'a' });
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [magic, body] = readFileSync(file, 'utf8').split('\n');
    expect(magic).toBe(lib.SNAPSHOT_MAGIC);
    const saved = JSON.parse(body!) as { state: State };
    expect(saved.state.members).toHaveLength(3);
    expect(saved.state.leases).toBeUndefined();
  });
});
