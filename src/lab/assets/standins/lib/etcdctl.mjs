// The lab's etcd: `etcdctl` as run with `kubectl exec etcd-NODE -- etcdctl ...` against the API stand-in's replicated state,
// with etcd's own refusals (unknown member ID, missing TLS flags, snapshot restore into an existing data dir).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';

/** A member's ID (16 hex digits, as etcdctl prints it): stable across the replicas, new when the same name joins again. */
export const memberId = (m) => createHash('sha256').update(`${m.name}|${m.joinedAt ?? 0}`).digest('hex').slice(0, 16);

/** The magic first line of a lab snapshot (a real one is a bbolt file); restore refuses anything else. */
export const SNAPSHOT_MAGIC = 'provision-lab-etcd-snapshot v1';

function parse(args) {
  const f = { _: [] };
  for (const a of args) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) f[m[1]] = m[2] ?? true;
    else f._.push(a);
  }
  return f;
}

/**
 * Runs one etcdctl command against `state` (mutated on member remove). Returns {code, stdout, stderr, changed}.
 * `writeFile` is where snapshot save lands (the etcd pod's hostPath /var/lib/etcd on its node).
 */
export function etcdctl(state, args, { self }) {
  const f = parse(args);
  const fail = (msg) => ({ code: 1, stdout: '', stderr: `${msg}\n` });
  // kubeadm's etcd serves TLS only: a client without the CA and a client certificate is refused.
  if (!f.cacert || !f.cert || !f.key) return fail('{"level":"warn","msg":"retrying of unary invoker failed","error":"rpc error: code = DeadlineExceeded desc = latest balancer error: last connection error: connection error: desc = \\"transport: authentication handshake failed: remote error: tls: certificate required\\""}\nError: context deadline exceeded');
  if (!existsSync(f.cacert) || !existsSync(f.cert) || !existsSync(f.key)) return fail(`Error: open ${[f.cacert, f.cert, f.key].find((p) => !existsSync(p))}: no such file or directory`);
  const [cmd, sub, arg] = f._;
  const members = state.members ?? [];
  if (cmd === 'member' && sub === 'list') {
    const lines = members.map((m) => `${memberId(m)}, started, ${m.name}, https://${m.address}:2380, https://${m.address}:2379, false`);
    if (f['write-out'] === 'json' || f.w === 'json') return { code: 0, stdout: `${JSON.stringify({ members: members.map((m) => ({ ID: memberId(m), name: m.name, peerURLs: [`https://${m.address}:2380`] })) })}\n`, stderr: '' };
    return { code: 0, stdout: lines.map((l) => `${l}\n`).join(''), stderr: '' };
  }
  if (cmd === 'member' && sub === 'remove') {
    if (!/^[0-9a-f]{1,16}$/.test(arg ?? '')) return fail(`Error: bad member ID arg (strconv.ParseUint: parsing "${arg ?? ''}": invalid syntax), expecting ID in Hex`);
    const m = members.find((x) => memberId(x) === arg.padStart(16, '0'));
    if (!m) return fail('Error: etcdserver: member not found');
    if (members.length === 1) return fail('Error: etcdserver: re-configuration failed due to not enough started members');
    state.members = members.filter((x) => x !== m);
    (state.removedMembers ??= []).push({ name: m.name, at: Date.now() });
    return { code: 0, stdout: `Member ${arg} removed from cluster ${clusterId(state)}\n`, stderr: '', changed: true };
  }
  if (cmd === 'snapshot' && sub === 'save') {
    if (!arg) return fail('Error: snapshot save expects one argument');
    const { leases, ...data } = state;
    writeFileSync(arg, `${SNAPSHOT_MAGIC}\n${JSON.stringify({ savedOn: self, state: data })}\n`, { mode: 0o600 });
    chmodSync(arg, 0o600);
    return { code: 0, stdout: `Snapshot saved at ${arg}\n`, stderr: '' };
  }
  return fail(`Error: unknown command "${f._.join(' ')}" for "etcdctl" (provision lab stand-in emulates member list, member remove, snapshot save)`);
}

const clusterId = (state) => createHash('sha256').update(String(state.cluster)).digest('hex').slice(0, 16);

/** etcdutl snapshot restore's refusal: the data dir must not exist (or be empty), as etcd's own check. */
export function dataDirFree(dir) {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}
