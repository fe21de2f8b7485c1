// The lab's kube-apiserver stand-in on :6443: TLS with the cluster CA, bootstrap tokens, joins, nodes, applied objects, leases.
import { createServer } from 'node:https';
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { call, localAdmin } from './lib/kube-client.mjs';

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

const now = () => Date.now();
const validToken = (t) => {
  const [id, secret] = String(t ?? '').split('.');
  return (state.tokens ?? []).find((x) => x.id === id && x.secret === secret && (!x.expires || x.expires > now()));
};

// A node is Ready only when its kubelet reported a CNI configuration it really found in /etc/cni/net.d.
const isReady = (n) => Array.isArray(n.cni) && n.cni.length > 0;
const NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

function nodeList() {
  return {
    kind: 'NodeList', apiVersion: 'v1',
    items: (state.nodes ?? []).map((n) => ({
      kind: 'Node', apiVersion: 'v1',
      metadata: { name: n.name, creationTimestamp: new Date(n.joinedAt).toISOString(), labels: { 'kubernetes.io/hostname': n.name, ...(n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}) } },
      spec: { podCIDR: n.podCIDR },
      status: {
        addresses: [{ type: 'InternalIP', address: n.address }, { type: 'Hostname', address: n.name }],
        conditions: [{ type: 'Ready', status: isReady(n) ? 'True' : 'False', reason: isReady(n) ? 'KubeletReady' : 'KubeletNotReady', message: isReady(n) ? 'kubelet is posting ready status' : NOT_READY }],
        nodeInfo: { kubeletVersion: state.version, containerRuntimeVersion: 'containerd://lab' },
      },
    })),
  };
}

const anyReady = () => (state.nodes ?? []).some(isReady);
const find = (kind, ns, name) => (state.objects ?? []).find((o) => o.kind === kind && (o.metadata.namespace ?? '') === (ns ?? '') && o.metadata.name === name);

/** Pods as the workload objects imply: a DaemonSet's on every node, a Deployment's and CoreDNS on one; Running only on a Ready node (or hostNetwork). */
function podList(ns) {
  const pods = [];
  const pod = (owner, node, hostNetwork) => {
    const running = node && (hostNetwork || isReady(node));
    pods.push({ kind: 'Pod', apiVersion: 'v1', metadata: { name: `${owner.metadata.name}-${node?.name ?? 'pending'}`, namespace: owner.metadata.namespace ?? 'default' }, spec: { nodeName: node?.name, hostNetwork: Boolean(hostNetwork) }, status: { phase: running ? 'Running' : 'Pending', ...(running ? {} : { reason: node ? 'ContainerCreating' : 'Unschedulable', message: node ? NOT_READY : '0/N nodes are available: node(s) had untolerated taint {node.kubernetes.io/not-ready: }' }) } });
  };
  const nodes = state.nodes ?? [];
  const coredns = { metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { template: { spec: {} } } };
  for (const n of nodes.filter((x) => x.controlPlane)) for (const c of ['kube-apiserver', 'etcd', 'kube-controller-manager', 'kube-scheduler']) pod({ metadata: { name: c, namespace: 'kube-system' } }, n, true);
  for (const n of nodes) pod({ metadata: { name: 'kube-proxy', namespace: 'kube-system' } }, n, true);
  for (const o of [coredns, ...(state.objects ?? []).filter((x) => x.kind === 'Deployment' || x.kind === 'DaemonSet')]) {
    const hn = Boolean(o.spec?.template?.spec?.hostNetwork);
    if (o.kind === 'DaemonSet') for (const n of nodes) pod(o, n, hn);
    else pod(o, nodes.find((n) => hn || isReady(n)), hn);
  }
  return { kind: 'PodList', apiVersion: 'v1', items: pods.filter((p) => !ns || p.metadata.namespace === ns) };
}

/** What `kubectl wait --for=condition=...` would see, for the kinds provision waits on. */
function condition(what, ns) {
  const [kind, name] = what.split('/');
  if (/^(crd|customresourcedefinitions?)$/.test(kind)) return find('CustomResourceDefinition', '', name) ? [true] : [false, `customresourcedefinitions.apiextensions.k8s.io "${name}" not found`];
  if (/^deployments?$/.test(kind)) {
    const d = find('Deployment', ns ?? 'default', name);
    if (!d) return [false, `deployments.apps "${name}" not found`];
    return d.spec?.template?.spec?.hostNetwork || anyReady() ? [true] : [false, 'no node is Ready: the pod cannot start'];
  }
  if (/^apiservices?$/.test(kind) && name === 'v3.projectcalico.org') {
    if (!find('APIServer', '', 'default')) return [false, `apiservices.apiregistration.k8s.io "${name}" not found`];
    return anyReady() ? [true] : [false, 'calico-apiserver is not running yet'];
  }
  return [false, `the lab API server does not emulate waiting on ${what}`];
}

function addNode({ name, address, controlPlane }) {
  const nodes = state.nodes ?? (state.nodes = []);
  if (nodes.some((n) => n.name === name)) return `a Node with name "${name}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`;
  nodes.push({ name, address, controlPlane: Boolean(controlPlane), joinedAt: now(), podCIDR: undefined });
  if (controlPlane) (state.members ??= []).push({ name, address, port: 6443 });
  return undefined;
}

/** Kinds a bare API server serves (group/Kind); everything else needs a CustomResourceDefinition. */
const BUILTIN = new Set(['/Namespace', '/ConfigMap', '/Secret', '/ServiceAccount', '/Service', '/Pod', '/Endpoints', 'apps/Deployment', 'apps/DaemonSet',
  'apps/StatefulSet', 'apps/ReplicaSet', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding', 'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding', 'apiextensions.k8s.io/CustomResourceDefinition', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'policy/PodDisruptionBudget', 'scheduling.k8s.io/PriorityClass', 'networking.k8s.io/NetworkPolicy',
  'batch/Job', 'coordination.k8s.io/Lease', 'apiregistration.k8s.io/APIService']);

/** Whether the API serves apiVersion/kind: built in, by an applied CRD's served version, or (projectcalico.org/v3) by Calico's API server. */
function served(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (BUILTIN.has(`${group}/${kind}`)) return true;
  if (apiVersion === 'projectcalico.org/v3') return Boolean(find('APIServer', '', 'default')) && anyReady() && ['BGPConfiguration', 'BGPPeer', 'IPPool'].includes(kind);
  return (state.objects ?? []).some((o) => o.kind === 'CustomResourceDefinition' && o.spec?.group === group && o.spec?.names?.kind === kind && (o.spec?.versions ?? []).some((v) => v.name === version && v.served));
}

const isMap = (v) => v && typeof v === 'object' && !Array.isArray(v);
function merge(a, b) {
  if (!isMap(a) || !isMap(b)) return structuredClone(b);
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : structuredClone(v);
  return out;
}

/** The lab plays the Tigera operator: an Installation gives calico-node, whose install-cni the kubelets play. */
function operate() {
  const inst = find('Installation', '', 'default');
  if (!inst || !find('Deployment', 'tigera-operator', 'tigera-operator')) return;
  const cidr = inst.spec?.calicoNetwork?.ipPools?.[0]?.cidr ?? '192.168.0.0/16';
  const conflist = JSON.stringify({ name: 'k8s-pod-network', cniVersion: '0.3.1', plugins: [{ type: 'calico', ipam: { type: 'calico-ipam', assign_ipv4: 'true' }, lab_pool: cidr }, { type: 'portmap', capabilities: { portMappings: true } }] });
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-node', namespace: 'calico-system', annotations: { 'lab.provision/cni-file': '10-calico.conflist', 'lab.provision/cni-content': conflist } }, spec: { template: { spec: { hostNetwork: true } } } };
  const i = state.objects.findIndex((o) => o.kind === 'DaemonSet' && o.metadata.namespace === 'calico-system' && o.metadata.name === 'calico-node');
  if (i < 0) state.objects.push(ds); else state.objects[i] = ds;
}

function applyObjects(objs, { serverSide = false, manager = 'kubectl-client-side-apply', source = '-' } = {}) {
  const out = [];
  state.objects ??= [];
  state.managed ??= {};
  for (const o of objs) {
    if (!o?.kind || !o?.apiVersion || !o?.metadata?.name) { out.push({ error: 'error: error validating data: [apiVersion not set, kind not set]' }); continue; }
    if (!served(o.apiVersion, o.kind)) {
      out.push({ error: `error: resource mapping not found for name: "${o.metadata.name}" namespace: "${o.metadata.namespace ?? ''}" from "${source}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first` });
      continue;
    }
    if (o.apiVersion.startsWith('metallb.io/') && o.kind !== 'CustomResourceDefinition' && condition('deployment/controller', 'metallb-system')[0] !== true) {
      out.push({ error: `Error from server (InternalError): error when creating "${source}": Internal error occurred: failed calling webhook "${o.kind.toLowerCase()}validationwebhook.metallb.io": failed to call webhook: Post "https://metallb-webhook-service.metallb-system.svc:443/validate": dial tcp: connect: connection refused` });
      continue;
    }
    const key = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata.name}`;
    const i = state.objects.findIndex((x) => `${x.kind}/${x.metadata?.namespace ?? ''}/${x.metadata.name}` === key);
    // Server-side apply: each field manager owns what it applied; the object is all managers' intents merged.
    const parts = state.managed[key] ?? (i >= 0 ? [['before', state.objects[i]]] : []);
    const mine = serverSide ? manager : 'kubectl-client-side-apply';
    const next = [...parts.filter(([m]) => m !== mine), [mine, o]];
    const merged = next.reduce((acc, [, x]) => merge(acc, x), {});
    const action = i < 0 ? (serverSide ? 'serverside-applied' : 'created') : JSON.stringify(state.objects[i]) === JSON.stringify(merged) ? 'unchanged' : (serverSide ? 'serverside-applied' : 'configured');
    state.managed[key] = next;
    if (i < 0) state.objects.push(merged); else state.objects[i] = merged;
    out.push({ kind: o.kind, apiVersion: o.apiVersion, name: o.metadata.name, action });
  }
  operate();
  return out;
}

/** The CNI configuration each install-cni would write on a node: {file, content}, from the CNI DaemonSets. */
function cniConfigs() {
  const out = [];
  for (const ds of (state.objects ?? []).filter((o) => o.kind === 'DaemonSet' && o.metadata.annotations?.['lab.provision/cni-file'])) {
    const a = ds.metadata.annotations;
    let content = a['lab.provision/cni-content'];
    if (!content && a['lab.provision/cni-from']) {
      const [ns, cm, k] = a['lab.provision/cni-from'].split('/');
      content = find('ConfigMap', ns, cm)?.data?.[k];
    }
    if (content) out.push({ file: a['lab.provision/cni-file'], content });
  }
  return out;
}

function handle(req, body) {
  const url = new URL(req.url, 'https://x');
  const p = url.pathname;
  const admin = req.socket.authorized === true;
  const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/, '');
  const forbidden = [403, { kind: 'Status', status: 'Failure', message: 'forbidden: User "system:anonymous" cannot get path', reason: 'Forbidden', code: 403 }];
  if (['/healthz', '/livez', '/readyz'].includes(p)) return [200, 'ok'];
  if (p === '/version') return [200, { major: '1', minor: state.version.split('.')[1], gitVersion: `v${state.version}` }];
  if (p === '/api/v1/namespaces/kube-public/configmaps/cluster-info') {
    const t = validToken(bearer);
    if (!t && !admin) return [200, { kind: 'ConfigMap', data: { kubeconfig: '', jws: '' } }];
    return [200, { kind: 'ConfigMap', data: { ca: state.ca, endpoint: state.endpoint, [`jws-kubeconfig-${t?.id ?? 'admin'}`]: 'lab' } }];
  }
  // The kubelets (token or admin) fetch what install-cni writes and report what /etc/cni/net.d holds.
  if (p === '/lab/cni' && (validToken(bearer) || admin)) return [200, { configs: cniConfigs() }];
  if (p === '/lab/node-status' && req.method === 'POST' && (validToken(bearer) || admin)) {
    const n = (state.nodes ?? []).find((x) => x.name === body.name);
    if (!n) return [404, { message: `nodes "${body.name}" not found` }];
    const cni = Array.isArray(body.cni) ? body.cni.filter((f) => typeof f === 'string').sort() : [];
    if (JSON.stringify(n.cni ?? []) !== JSON.stringify(cni)) { n.cni = cni; save(); }
    return [200, { ready: isReady(n) }];
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
    if ((body.rev ?? 0) > (state.rev ?? 0)) { state = body; persist(); }
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
      const changed = !l || l.holder !== body.holder;
      state.leases[body.name] = { holder: body.holder, expires: now() + (body.ttlSeconds ?? 10) * 1000 };
      if (changed) save(); else persist();
      return [200, { holder: body.holder, acquired: true }];
    }
    return [200, { holder: l.holder, acquired: false }];
  }
  if (p === '/lab/apply' && req.method === 'POST') {
    const r = applyObjects(body.objects ?? [], { serverSide: Boolean(body.serverSide), manager: body.fieldManager, source: body.source });
    save();
    return [200, { results: r }];
  }
  if (p === '/lab/objects') return [200, { items: state.objects ?? [] }];
  if (p === '/api/v1/nodes') return [200, nodeList()];
  if (p === '/api/v1/pods') return [200, podList()];
  { const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p); if (m) return [200, podList(m[1])]; }
  if (p === '/lab/condition') { const [met, message] = condition(url.searchParams.get('what') ?? '', url.searchParams.get('namespace') ?? undefined); return [200, { met, message }]; }
  if (p === '/lab/leave' && req.method === 'POST') {
    state.nodes = (state.nodes ?? []).filter((n) => n.name !== body.name);
    state.members = (state.members ?? []).filter((n) => n.name !== body.name);
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
  req.on('end', () => {
    let body = {};
    try { body = raw ? JSON.parse(raw) : {}; } catch { /* empty */ }
    let status, out;
    try { [status, out] = handle(req, body); } catch (e) { [status, out] = [500, { message: e.message }]; }
    res.writeHead(status, { 'content-type': typeof out === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof out === 'string' ? out : JSON.stringify(out));
  });
});
server.listen(port, args['bind-address'] ?? '0.0.0.0', () => process.stdout.write(`kube-apiserver (lab stand-in) for ${state.cluster} on :${port}\n`));
process.on('SIGTERM', () => process.exit(0));
