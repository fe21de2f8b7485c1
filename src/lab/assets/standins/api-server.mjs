// The lab's kube-apiserver stand-in on :6443: TLS with the cluster CA, bootstrap tokens, joins, nodes, applied objects, leases.
import { createServer } from 'node:https';
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { call, localAdmin } from './lib/kube-client.mjs';
import { applyObjects, cniConfigs, condition, drainCheck, isReady, nodeList, podList } from './lib/kube-objects.mjs';
import { etcdctl } from './lib/etcdctl.mjs';

const STATE = '/var/lib/etcd/lab-state.json';
const PKI = '/etc/kubernetes/pki';
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, ...v]) => [k, v.join('=')]));
const port = Number(args['secure-port'] ?? 6443);
const self = hostname();
let state = JSON.parse(readFileSync(STATE, 'utf8'));

function save() {
  state.rev = (state.rev ?? 0) + 1;
  persist();
  replicate();
}
function persist() {
  mkdirSync('/var/lib/etcd', { recursive: true });
  writeFileSync(`${STATE}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${STATE}.tmp`, STATE);
}
function replicate() {
  let admin;
  try { admin = localAdmin(); } catch { return; }
  for (const m of state.members ?? []) {
    if (m.name === self) continue;
    call({ server: `https://${m.address}:${m.port ?? 6443}`, path: '/lab/replicate', method: 'POST', body: state, ...admin, timeoutMs: 2000, insecure: true }).catch(() => {});
  }
}

/** The first of each key wins: pass the newer side first. */
function byKey(first = [], second = [], key) {
  const m = new Map();
  for (const x of [...first, ...second]) if (!m.has(key(x))) m.set(key(x), x);
  return [...m.values()];
}

/**
 * What a peer's copy and ours make together. Real etcd has one consistent store; these stand-ins each take writes
 * (joins reach whichever control plane HAProxy or the VIP picks), so nodes, members, tokens and certificate keys
 * are merged by name rather than replaced by the higher revision, which lost concurrent joins. A node that left
 * stays gone unless it joined again after leaving.
 */
/**
 * Leases (kube-vip's leader election) as one consistent store would keep them: an expired lease loses to a live one,
 * and of two live ones (two control planes that each granted it before hearing of the other) the older grant wins,
 * then the lower holder name: every copy picks the same leader, so the VIP never sits on two nodes for long.
 */
function mergeLeases(a = {}, b = {}) {
  const out = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [x, y] = [a[name], b[name]];
    if (!x || !y) { out[name] = x ?? y; continue; }
    const live = (l) => l.expires >= now();
    if (live(x) !== live(y)) { out[name] = live(x) ? x : y; continue; }
    if (x.holder === y.holder) { out[name] = x.expires >= y.expires ? x : y; continue; }
    const rank = (l) => [l.since ?? 0, l.holder];
    const [rx, ry] = [rank(x), rank(y)];
    out[name] = rx[0] !== ry[0] ? (rx[0] < ry[0] ? x : y) : (rx[1] < ry[1] ? x : y);
  }
  return out;
}

/**
 * Two copies of one node: the newer state's copy, with each field another copy wrote later taken from that copy.
 * Concurrent writes to different fields on different control planes (a cordon here, a kubelet's version there)
 * both survive, as they would in one consistent store; a whole-node pick lost one of them and the kubelet then
 * reported its new version again (a second kubelet-version event for one upgrade).
 */
function mergeNode(a, b) {
  if (!b) return a;
  const out = { ...a, fieldAt: { ...(a.fieldAt ?? {}) } };
  for (const [f, t] of Object.entries(b.fieldAt ?? {})) {
    if (t <= (out.fieldAt[f] ?? -1)) continue;
    out.fieldAt[f] = t;
    if (b[f] === undefined) delete out[f];
    else out[f] = b[f];
  }
  return out;
}
/** Marks fields of a node as written now (see mergeNode). */
const touch = (n, ...fields) => { n.fieldAt ??= {}; for (const f of fields) n.fieldAt[f] = now(); };

function mergeState(ours, theirs) {
  const newer = (theirs.rev ?? 0) > (ours.rev ?? 0) ? theirs : ours;
  const older = newer === ours ? theirs : ours;
  const left = byKey(ours.left, theirs.left, (l) => `${l.name}@${l.at}`);
  const gone = (n) => left.some((l) => l.name === n.name && l.at >= (n.joinedAt ?? 0));
  // `kubectl delete node` and `etcdctl member remove` each drop one kind only, with the same "unless it came back" rule.
  const deletedNodes = byKey(ours.deletedNodes, theirs.deletedNodes, (l) => `${l.name}@${l.at}`);
  const removedMembers = byKey(ours.removedMembers, theirs.removedMembers, (l) => `${l.name}@${l.at}`);
  const dropped = (list, n) => list.some((l) => l.name === n.name && l.at >= (n.joinedAt ?? 0));
  return {
    ...newer,
    rev: Math.max(ours.rev ?? 0, theirs.rev ?? 0),
    nodes: byKey(newer.nodes, older.nodes, (n) => n.name).map((n) => mergeNode(n, (older.nodes ?? []).find((o) => o.name === n.name && o !== n))).filter((n) => !gone(n) && !dropped(deletedNodes, n)),
    members: byKey(newer.members, older.members, (m) => m.name).filter((m) => !gone(m) && !dropped(removedMembers, m)),
    deletedNodes,
    removedMembers,
    tokens: byKey(newer.tokens, older.tokens, (t) => t.id),
    certKeys: byKey(newer.certKeys, older.certKeys, (k) => k.key),
    events: byKey(newer.events, older.events, (e) => `${e.at}|${e.node}|${e.what}`).sort((a, b) => a.at - b.at),
    leases: mergeLeases(ours.leases, theirs.leases),
    left,
  };
}

const now = () => Date.now();
/** What the upgrade stand-ins record (cordon, drain, upgrade-apply, upgrade-node, kubelet versions, uncordon), for tests to read back. */
const event = (node, what, detail) => (state.events ??= []).push({ at: now(), node, what, ...(detail ? { detail } : {}) });
const minorOf = (v) => Number(/^v?\d+\.(\d+)/.exec(String(v))?.[1]);
const validToken = (t) => {
  const [id, secret] = String(t ?? '').split('.');
  return (state.tokens ?? []).find((x) => x.id === id && x.secret === secret && (!x.expires || x.expires > now()));
};

function addNode({ name, address, controlPlane }) {
  const nodes = state.nodes ?? (state.nodes = []);
  if (nodes.some((n) => n.name === name)) return `a Node with name "${name}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`;
  nodes.push({ name, address, controlPlane: Boolean(controlPlane), joinedAt: now(), podCIDR: undefined });
  if (controlPlane) (state.members ??= []).push({ name, address, port: 6443, joinedAt: now() });
  return undefined;
}

/**
 * `kubectl exec -n kube-system etcd-NODE -- etcdctl ...`: the API server forwards to NODE's kubelet, which runs it in NODE's
 * etcd pod (its hostPaths /var/lib/etcd and /etc/kubernetes/pki/etcd are NODE's). Here: NODE's own API stand-in runs it.
 */
async function execInPod(body) {
  const m = /^etcd-(.+)$/.exec(String(body.pod ?? ''));
  const member = m && body.namespace === 'kube-system' ? (state.members ?? []).find((x) => x.name === m[1]) : undefined;
  if (!member) return [404, { message: `pods "${body.pod}" not found` }];
  const command = Array.isArray(body.command) ? body.command.map(String) : [];
  if (command[0] !== 'etcdctl') return [200, { code: 126, stdout: '', stderr: `OCI runtime exec failed: exec: "${command[0] ?? ''}": executable file not found in $PATH\n` }];
  if (member.name !== self) {
    const r = await call({ server: `https://${member.address}:${member.port ?? 6443}`, path: '/lab/exec', method: 'POST', body, ...localAdmin(), timeoutMs: 10000, insecure: true })
      .catch((e) => ({ status: 502, body: { message: `error dialing backend: ${e.message}` } }));
    return [r.status, r.body];
  }
  const r = etcdctl(state, command.slice(1), { self });
  if (r.changed) save();
  return [200, { code: r.code, stdout: r.stdout, stderr: r.stderr }];
}

function handle(req, body) {
  const url = new URL(req.url, 'https://x');
  const p = url.pathname;
  const admin = req.socket.authorized === true;
  const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/, '');
  const forbidden = [403, { kind: 'Status', status: 'Failure', message: 'forbidden: User "system:anonymous" cannot get path', reason: 'Forbidden', code: 403 }];
  if (['/healthz', '/livez', '/readyz'].includes(p)) return [200, 'ok'];
  if (p === '/lab/image') return [200, { image: args['lab-image'] ?? '' }];
  if (p === '/version') return [200, { major: '1', minor: state.version.split('.')[1], gitVersion: `v${state.version}` }];
  if (p === '/api/v1/namespaces/kube-public/configmaps/cluster-info') {
    const t = validToken(bearer);
    if (!t && !admin) return [200, { kind: 'ConfigMap', data: { kubeconfig: '', jws: '' } }];
    return [200, { kind: 'ConfigMap', data: { ca: state.ca, endpoint: state.endpoint, [`jws-kubeconfig-${t?.id ?? 'admin'}`]: 'lab' } }];
  }
  // The kubelets fetch what install-cni writes and report what /etc/cni/net.d holds. A joined kubelet keeps its
  // credential (a real one has a client certificate): its bootstrap token counts after the token's TTL too.
  const kubelet = admin || (state.tokens ?? []).some((x) => `${x.id}.${x.secret}` === bearer);
  if (p === '/lab/cni' && kubelet) return [200, { configs: cniConfigs(state) }];
  if (p === '/lab/node-status' && req.method === 'POST' && kubelet) {
    const n = (state.nodes ?? []).find((x) => x.name === body.name);
    if (!n) return [404, { message: `nodes "${body.name}" not found` }];
    const cni = Array.isArray(body.cni) ? body.cni.filter((f) => typeof f === 'string').sort() : [];
    let changed = false;
    if (JSON.stringify(n.cni ?? []) !== JSON.stringify(cni)) { n.cni = cni; touch(n, 'cni'); changed = true; }
    // A node's version is what its running kubelet (its installed package) says. A kubelet that changes version on a
    // schedulable node (not drained), or that is newer than kube-apiserver, marks the node NotReady with the reason.
    if (typeof body.version === 'string' && n.kubeletVersion === undefined) { n.kubeletVersion = body.version; touch(n, 'kubeletVersion'); changed = true; }
    if (typeof body.version === 'string' && body.version !== n.kubeletVersion) {
      const from = n.kubeletVersion;
      if (!n.unschedulable) n.skewViolation = `[lab] the kubelet on ${n.name} changed from v${from} to v${body.version} while the node was schedulable (not drained)`;
      else if (minorOf(body.version) > minorOf(state.version)) n.skewViolation = `[lab] kubelet v${body.version} on ${n.name} is newer than kube-apiserver v${state.version} (version skew policy)`;
      event(n.name, n.skewViolation ? 'kubelet-version-violation' : 'kubelet-version', `v${from} -> v${body.version}`);
      n.kubeletVersion = body.version;
      touch(n, 'kubeletVersion', 'skewViolation');
      changed = true;
    }
    if (changed) save();
    return [200, { ready: isReady(n) }];
  }
  if (p === '/lab/node-info' && kubelet) {
    const n = (state.nodes ?? []).find((x) => x.name === url.searchParams.get('name'));
    return [200, { version: state.version, node: n ? { name: n.name, unschedulable: Boolean(n.unschedulable) } : undefined }];
  }
  if (p === '/lab/event' && req.method === 'POST' && kubelet) {
    event(String(body.node), String(body.what), body.detail ? String(body.detail) : undefined);
    save();
    return [200, {}];
  }
  if (p === '/lab/join' && req.method === 'POST') {
    const t = validToken(bearer);
    if (!t) return [401, { message: 'Unauthorized' }];
    if (body.controlPlane) {
      const k = (state.certKeys ?? []).find((x) => x.key === body.certificateKey && x.expires > now());
      if (!k) return [404, { message: 'error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one' }];
    }
    const e = addNode(body);
    if (e) return [409, { message: e }];
    save();
    return [200, { state, caKey: body.controlPlane ? readFileSync(`${PKI}/ca.key`, 'utf8') : undefined }];
  }
  if (!admin) return forbidden;
  if (p === '/lab/replicate' && req.method === 'POST') {
    state = mergeState(state, body);
    persist();
    return [200, { rev: state.rev }];
  }
  if (p === '/lab/tokens' && req.method === 'POST') {
    const id = body.token?.split('.')[0] ?? randomBytes(3).toString('hex');
    const secret = body.token?.split('.')[1] ?? randomBytes(8).toString('hex');
    const ttl = body.ttlSeconds ?? 86400;
    (state.tokens ??= []).push({ id, secret, expires: ttl === 0 ? undefined : now() + ttl * 1000 });
    save();
    return [200, { token: `${id}.${secret}` }];
  }
  if (p === '/lab/tokens') return [200, { tokens: (state.tokens ?? []).map((t) => ({ id: t.id, expires: t.expires })) }];
  if (p === '/lab/certkeys' && req.method === 'POST') {
    const key = body.key ?? randomBytes(32).toString('hex');
    (state.certKeys ??= []).push({ key, expires: now() + 2 * 3600 * 1000 });
    save();
    return [200, { key }];
  }
  if (p === '/lab/lease' && req.method === 'POST') {
    state.leases ??= {};
    const l = state.leases[body.name];
    if (!l || l.expires < now() || l.holder === body.holder) {
      const changed = !l || l.holder !== body.holder || l.expires < now();
      state.leases[body.name] = { holder: body.holder, since: changed ? now() : l.since ?? now(), expires: now() + (body.ttlSeconds ?? 10) * 1000 };
      // Every grant and renewal reaches the other control planes (as an etcd write would): their copy never expires
      // while the holder renews, so their kube-vip does not take the VIP too.
      save();
      return [200, { holder: body.holder, acquired: true }];
    }
    return [200, { holder: l.holder, acquired: false }];
  }
  if (p === '/lab/apply' && req.method === 'POST') {
    const r = applyObjects(state, body.objects ?? [], { serverSide: Boolean(body.serverSide), manager: body.fieldManager, source: body.source });
    save();
    return [200, { results: r }];
  }
  if (p === '/lab/objects') return [200, { items: state.objects ?? [] }];
  if (p === '/lab/events') return [200, { items: state.events ?? [] }];
  if (p === '/lab/cluster-version' && req.method === 'POST') {
    event(String(body.node), 'upgrade-apply', `v${state.version} -> v${body.version}`);
    state.version = String(body.version);
    save();
    return [200, { version: state.version }];
  }
  if (p === '/lab/cordon' && req.method === 'POST') {
    const n = (state.nodes ?? []).find((x) => x.name === body.name);
    if (!n) return [404, { message: `nodes "${body.name}" not found` }];
    const want = Boolean(body.unschedulable);
    if (Boolean(n.unschedulable) !== want) { n.unschedulable = want; touch(n, 'unschedulable'); event(n.name, want ? 'cordon' : 'uncordon'); save(); }
    return [200, { name: n.name, changed: true }];
  }
  if (p === '/lab/drain' && req.method === 'POST') {
    const n = (state.nodes ?? []).find((x) => x.name === body.name);
    if (!n) return [404, { message: `nodes "${body.name}" not found` }];
    if (!n.unschedulable) return [409, { message: `node "${n.name}" is not cordoned` }];
    const r = drainCheck(state, n, Boolean(body.ignoreDaemonsets));
    if (r.error) return [r.code, { message: r.error }];
    event(n.name, 'drain', r.evicted.join(',') || 'no pods to evict');
    save();
    return [200, { evicted: r.evicted }];
  }
  if (p === '/api/v1/nodes') return [200, nodeList(state)];
  if (p === '/api/v1/pods') return [200, podList(state)];
  { const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p); if (m) return [200, podList(state, m[1])]; }
  if (p === '/lab/condition') { const [met, message] = condition(state, url.searchParams.get('what') ?? '', url.searchParams.get('namespace') ?? undefined); return [200, { met, message }]; }
  if (p === '/lab/exec' && req.method === 'POST') return execInPod(body);
  if (p === '/lab/delete-node' && req.method === 'POST') {
    const n = (state.nodes ?? []).find((x) => x.name === body.name);
    if (!n) return [404, { message: `nodes "${body.name}" not found` }];
    state.nodes = state.nodes.filter((x) => x !== n);
    (state.deletedNodes ??= []).push({ name: n.name, at: now() });
    event(n.name, 'delete-node');
    save();
    return [200, { name: n.name }];
  }
  if (p === '/lab/leave' && req.method === 'POST') {
    state.nodes = (state.nodes ?? []).filter((n) => n.name !== body.name);
    state.members = (state.members ?? []).filter((n) => n.name !== body.name);
    (state.left ??= []).push({ name: body.name, at: now() });
    save();
    return [200, {}];
  }
  return [404, { kind: 'Status', message: 'the server could not find the requested resource', code: 404 }];
}

const server = createServer({
  key: readFileSync(`${PKI}/apiserver.key`), cert: readFileSync(`${PKI}/apiserver.crt`),
  ca: readFileSync(`${PKI}/ca.crt`), requestCert: true, rejectUnauthorized: false,
}, (req, res) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (raw += c));
  req.on('end', async () => {
    let body = {};
    try { body = raw ? JSON.parse(raw) : {}; } catch { /* empty */ }
    let status, out;
    try { [status, out] = await handle(req, body); } catch (e) { [status, out] = [500, { message: e.message }]; }
    res.writeHead(status, { 'content-type': typeof out === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof out === 'string' ? out : JSON.stringify(out));
  });
});
server.listen(port, args['bind-address'] ?? '0.0.0.0', () => process.stdout.write(`kube-apiserver (lab stand-in) for ${state.cluster} on :${port}\n`));
process.on('SIGTERM', () => process.exit(0));
