// Lab stand-in for kubeadm: init / join / token / upload-certs / reset with kubeadm's checks and messages, over the real lab network.
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError, validEndpoint } from './lib/kubeadm-config.mjs';
import { createCa, issue, caHash, apiServerSans, PKI } from './lib/kube-pki.mjs';
import { call, writeKubeconfig, readKubeconfig, localAdmin } from './lib/kube-client.mjs';
import { checkExpiration, renewAll } from './lib/kubeadm-certs.mjs';
import { upgradeApply, upgradeNode, upgradePlan } from './lib/kubeadm-upgrade.mjs';

// Fault injection that reaches kubeadm however it is started (provision runs it through sudo, which drops the
// environment): LAB_KUBEADM_* lines in /etc/provision-lab/kubeadm.env, written with `provision lab exec`.
const FAULTS_FILE = '/etc/provision-lab/kubeadm.env';
if (existsSync(FAULTS_FILE)) {
  for (const line of readFileSync(FAULTS_FILE, 'utf8').split('\n')) {
    const m = /^\s*(LAB_KUBEADM_[A-Z_]+)=(.*)$/.exec(line);
    if (m) process.env[m[1]] = m[2].trim();
  }
  const log = `${process.argv.slice(2).join(' ')}: faults ${readFileSync(FAULTS_FILE, 'utf8').replace(/\s+/g, ' ').trim()}`;
  try { mkdirSync('/var/log/lab', { recursive: true }); writeFileSync('/var/log/lab/kubeadm-faults.log', `${new Date().toISOString()} ${log}\n`, { flag: 'a' }); } catch { /* best effort */ }
}
const VERSION = process.env.LAB_KUBE_VERSION ?? '1.32.3';
const K = '/etc/kubernetes';
const STATE = '/var/lib/etcd/lab-state.json';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = (s) => process.stdout.write(`${s}\n`);
class Fail extends Error {}

function parseFlags(argv) {
  const f = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) { f._.push(a); continue; }
    const [k, v] = a.replace(/^--?/, '').split(/=(.*)/s);
    const bool = ['upload-certs', 'control-plane', 'force', 'f', 'print-join-command', 'discovery-token-unsafe-skip-ca-verification', 'skip-token-print', 'skip-certificate-key-print', 'dry-run', 'yes', 'y'];
    if (v !== undefined) f[k] = v;
    else if (bool.includes(k)) f[k] = true;
    else f[k] = argv[++i];
  }
  return f;
}

const f = parseFlags(process.argv.slice(2));
const [cmd, sub, sub2] = f._;
const ignored = String(f['ignore-preflight-errors'] ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

function portInUse(port) {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(true)).once('listening', () => s.close(() => resolve(false))).listen(port, '0.0.0.0');
  });
}

function socketUp(path) {
  return new Promise((resolve) => {
    const c = createConnection(path).once('connect', () => { c.end(); resolve(true); }).once('error', () => resolve(false));
  });
}

const readTrim = (p) => { try { return readFileSync(p, 'utf8').trim(); } catch { return undefined; } };
const labModules = () => (readTrim('/run/lab/modules') ?? '').split('\n');

async function preflight({ controlPlane, join }) {
  const errors = [];
  const add = (name, msg) => { if (!ignored.includes('all') && !ignored.includes(name.toLowerCase())) errors.push(`\t[ERROR ${name}]: ${msg}`); };
  if (controlPlane) {
    if (await portInUse(6443)) add('Port-6443', 'Port 6443 is in use');
    const m = `${K}/manifests`;
    if (existsSync(m) && readdirSync(m).some((x) => x !== 'kube-vip.yaml')) add('DirAvailable--etc-kubernetes-manifests', '/etc/kubernetes/manifests is not empty');
    if (!join && existsSync(`${K}/admin.conf`)) add('FileAvailable--etc-kubernetes-admin.conf', '/etc/kubernetes/admin.conf already exists');
  }
  if (join && existsSync(`${K}/kubelet.conf`)) add('FileAvailable--etc-kubernetes-kubelet.conf', '/etc/kubernetes/kubelet.conf already exists');
  if ((readTrim('/run/lab/swaps') ?? '') !== '') add('Swap', 'running with swap on is not supported. Please disable swap');
  if (!(await socketUp('/run/containerd/containerd.sock'))) add('CRI', 'container runtime is not running: output: validate service connection: validate CRI v1 runtime API for endpoint "unix:///var/run/containerd/containerd.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /var/run/containerd/containerd.sock: connect: no such file or directory"');
  if (readTrim('/proc/sys/net/ipv4/ip_forward') !== '1') add('FileContent--proc-sys-net-ipv4-ip_forward', '/proc/sys/net/ipv4/ip_forward contents are not set to 1');
  if (!labModules().includes('br_netfilter')) add('FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', '/proc/sys/net/bridge/bridge-nf-call-iptables does not exist');
  if (errors.length) {
    process.stderr.write(`error execution phase preflight: [preflight] Some fatal errors occurred:\n${errors.join('\n')}\n[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\nTo see the stack trace of this error execute with --v=5 or higher\n`);
    throw new Fail();
  }
}

function systemctl(...args) {
  const r = spawnSync('systemctl', args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${r.stderr}${r.stdout}`.trim();
}

async function waitHealthy(server, ca, seconds, phase) {
  const until = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < until) {
    try {
      const r = await call({ server, path: '/healthz', ca, timeoutMs: 2000 });
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) { last = e.message; }
    await sleep(500);
  }
  process.stderr.write(`error execution phase ${phase}: ${last}\ncontext deadline exceeded\nTo see the stack trace of this error execute with --v=5 or higher\n`);
  throw new Fail();
}

const hostOf = (ep) => ep.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
const withPort = (ep, port = 6443) => (/:\d+$/.test(ep) && !ep.endsWith(']') ? ep : `${ep}:${port}`);
const token = () => `${randomBytes(3).toString('hex')}.${randomBytes(8).toString('hex')}`;

function defaultAddress() {
  const r = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
  return /inet (\S+)\//.exec(r.stdout ?? '')?.[1] ?? '127.0.0.1';
}

function pod(name, command) {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: kube-system\n  labels: { component: ${name}, tier: control-plane }\nspec:\n  hostNetwork: true\n  containers:\n  - name: ${name}\n    image: registry.k8s.io/${name}:v${VERSION}\n    command:\n${command.map((c) => `    - ${c}`).join('\n')}\n`;
}

/** kubeadm's etcd PKI paths (the etcd pod mounts them; etcdctl needs them): the lab signs them with the cluster CA. */
function etcdCerts(name, address) {
  mkdirSync(`${PKI}/etcd`, { recursive: true });
  writeFileSync(`${PKI}/etcd/ca.crt`, readFileSync(`${PKI}/ca.crt`));
  issue('etcd/server', `/CN=${name}`, { sans: [`DNS:${name}`, 'DNS:localhost', 'IP:127.0.0.1', `IP:${address}`] });
}

function writeManifests({ address, serviceSubnet, podSubnet }) {
  mkdirSync(`${K}/manifests`, { recursive: true });
  writeFileSync(`${K}/manifests/etcd.yaml`, pod('etcd', ['etcd', `--advertise-client-urls=https://${address}:2379`, '--data-dir=/var/lib/etcd']));
  writeFileSync(`${K}/manifests/kube-apiserver.yaml`, pod('kube-apiserver', ['kube-apiserver', `--advertise-address=${address}`, '--secure-port=6443', `--service-cluster-ip-range=${serviceSubnet}`, '--client-ca-file=/etc/kubernetes/pki/ca.crt']));
  writeFileSync(`${K}/manifests/kube-controller-manager.yaml`, pod('kube-controller-manager', ['kube-controller-manager', '--allocate-node-cidrs=true', `--cluster-cidr=${podSubnet ?? ''}`, '--kubeconfig=/etc/kubernetes/controller-manager.conf']));
  writeFileSync(`${K}/manifests/kube-scheduler.yaml`, pod('kube-scheduler', ['kube-scheduler', '--kubeconfig=/etc/kubernetes/scheduler.conf']));
  if (process.env.LAB_KUBEADM_DIE_AFTER === 'manifests') {
    process.stderr.write('[lab] LAB_KUBEADM_DIE_AFTER=manifests: killed after writing the static pod manifests\n');
    process.kill(process.pid, 'SIGKILL');
  }
}

function writeKubeconfigs({ cluster, endpoint, address, ca, superAdmin }) {
  const admin = issue('lab-kubeconfig-admin', '/O=kubeadm:cluster-admins/CN=kubernetes-admin', { client: true });
  writeKubeconfig(`${K}/admin.conf`, { cluster, server: `https://${endpoint}`, caPem: ca, user: 'kubernetes-admin', certPem: admin.cert, keyPem: admin.key });
  if (superAdmin) {
    const sa = issue('lab-kubeconfig-super-admin', '/O=system:masters/CN=kubernetes-super-admin', { client: true });
    writeKubeconfig(`${K}/super-admin.conf`, { cluster, server: `https://${address}:6443`, caPem: ca, user: 'kubernetes-super-admin', certPem: sa.cert, keyPem: sa.key });
  }
  // kubelet.conf: the init node's kubelet talks to its own API server, as kubeadm writes it.
  const node = issue('lab-kubeconfig-kubelet', `/O=system:nodes/CN=system:node:${hostname()}`, { client: true });
  writeKubeconfig(`${K}/kubelet.conf`, { cluster, server: `https://${address}:6443`, caPem: ca, user: `system:node:${hostname()}`, certPem: node.cert, keyPem: node.key });
  rmSync(`${PKI}/lab-kubeconfig-kubelet.key`, { force: true });
  for (const [file, user] of [['controller-manager.conf', 'system:kube-controller-manager'], ['scheduler.conf', 'system:kube-scheduler']]) {
    writeKubeconfig(`${K}/${file}`, { cluster, server: `https://${address}:6443`, caPem: ca, user, certPem: admin.cert, keyPem: admin.key });
  }
  rmSync(`${PKI}/lab-kubeconfig-admin.key`, { force: true });
  rmSync(`${PKI}/lab-kubeconfig-super-admin.key`, { force: true });
}

function writeKubeletConfig() {
  mkdirSync('/var/lib/kubelet', { recursive: true });
  writeFileSync('/var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n');
}

function startKubelet() {
  out('[kubelet-start] Starting the kubelet');
  const e = systemctl('restart', 'kubelet');
  if (e) { process.stderr.write(`error execution phase kubelet-start: ${e}\n`); throw new Fail(); }
}

function joinCommand(endpoint, tok, hash, cp) {
  return `kubeadm join ${endpoint} --token ${tok} \\\n\t--discovery-token-ca-cert-hash ${hash}${cp ? ` \\\n\t--control-plane --certificate-key ${cp}` : ''}`;
}

async function init() {
  const cfg = f.config ? await loadConfig(f.config) : {};
  if (cfg.JoinConfiguration) throw new ConfigError('kubeadm init: JoinConfiguration is not allowed here; use InitConfiguration and ClusterConfiguration');
  const ic = cfg.InitConfiguration ?? {};
  const cc = cfg.ClusterConfiguration ?? {};
  const address = ic.localAPIEndpoint?.advertiseAddress ?? f['apiserver-advertise-address'] ?? defaultAddress();
  const podSubnet = cc.networking?.podSubnet ?? f['pod-network-cidr'];
  const serviceSubnet = cc.networking?.serviceSubnet ?? f['service-cidr'] ?? '10.96.0.0/12';
  const epRaw = cc.controlPlaneEndpoint ?? f['control-plane-endpoint'] ?? `${address}:6443`;
  if (!validEndpoint(epRaw)) throw new ConfigError(`controlPlaneEndpoint: Invalid value: "${epRaw}"`);
  const endpoint = withPort(epRaw);
  const cluster = cc.clusterName ?? 'kubernetes';
  const name = ic.nodeRegistration?.name ?? f['node-name'] ?? hostname();
  out(`[init] Using Kubernetes version: v${VERSION}`);
  out('[preflight] Running pre-flight checks');
  await preflight({ controlPlane: true, join: false });
  out('[certs] Using certificateDir folder "/etc/kubernetes/pki"');
  createCa();
  issue('apiserver', '/CN=kube-apiserver', { sans: apiServerSans({ endpointHost: hostOf(endpoint), address, vip: undefined }) });
  issue('lab-admin', '/O=system:masters/CN=lab-replication', { client: true });
  etcdCerts(name, address);
  const ca = readFileSync(`${PKI}/ca.crt`, 'utf8');
  const bootstrap = ic.bootstrapTokens?.[0]?.token ?? f.token ?? token();
  const certKey = f['certificate-key'] ?? ic.certificateKey ?? randomBytes(32).toString('hex');
  mkdirSync('/var/lib/etcd', { recursive: true, mode: 0o700 });
  writeFileSync(STATE, JSON.stringify({
    cluster, version: VERSION, endpoint, ca, podSubnet, serviceSubnet, rev: 1,
    tokens: [{ id: bootstrap.split('.')[0], secret: bootstrap.split('.')[1], expires: Date.now() + 86400e3 }],
    certKeys: f['upload-certs'] ? [{ key: certKey, expires: Date.now() + 7200e3 }] : [],
    nodes: [{ name, address, controlPlane: true, joinedAt: Date.now() }],
    members: [{ name, address, port: 6443 }], objects: [], leases: {},
  }));
  out('[control-plane] Creating static Pod manifests in "/etc/kubernetes/manifests"');
  writeManifests({ address, serviceSubnet, podSubnet });
  out('[kubeconfig] Writing kubeconfig files in "/etc/kubernetes"');
  writeKubeconfigs({ cluster, endpoint, address, ca, superAdmin: true });
  if (process.env.LAB_KUBEADM_DIE_AFTER === 'kubeconfig') {
    // Like a real init that fails after its kubeconfig phase (API never healthy, LB unreachable): admin.conf stays.
    process.stderr.write('[lab] LAB_KUBEADM_DIE_AFTER=kubeconfig: killed after writing the kubeconfig files\n');
    process.kill(process.pid, 'SIGKILL');
  }
  writeKubeletConfig();
  startKubelet();
  out('[wait-control-plane] Waiting for the API server to be healthy');
  await waitHealthy(`https://127.0.0.1:6443`, ca, Number(process.env.LAB_KUBEADM_WAIT ?? 30), 'wait-control-plane');
  out(`[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace (via ${endpoint})`);
  await waitHealthy(`https://${endpoint}`, ca, Number(process.env.LAB_KUBEADM_ENDPOINT_WAIT ?? 30), 'upload-config/kubeadm');
  if (f['upload-certs']) out(`[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${certKey}`);
  out(`[bootstrap-token] Using token: ${bootstrap}`);
  const hash = caHash(ca);
  out(`\nYour Kubernetes control-plane has initialized successfully!\n\nTo start using your cluster, you need to run the following as a regular user:\n\n  mkdir -p $HOME/.kube\n  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n`);
  if (f['upload-certs']) out(`You can now join any number of control-plane nodes running the following command on each as root:\n\n  ${joinCommand(endpoint, bootstrap, hash, certKey)}\n`);
  out(`Then you can join any number of worker nodes by running the following on each as root:\n\n${joinCommand(endpoint, bootstrap, hash)}`);
}

async function adminCall(path, body) {
  const kc = await readKubeconfig(`${K}/admin.conf`).catch(() => { throw new ConfigError('failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory'); });
  const r = await call({ server: kc.server, path, method: body ? 'POST' : 'GET', body, ca: kc.ca, cert: kc.cert, key: kc.key });
  if (r.status !== 200) throw new ConfigError(r.body?.message ?? `status ${r.status}`);
  return r.body;
}

async function tokenCreate() {
  const ttl = f.ttl ? parseDuration(f.ttl) : 86400;
  const given = f._[2];
  const r = await adminCall('/lab/tokens', { ttlSeconds: ttl, token: given });
  if (!f['print-join-command']) return out(r.token);
  const state = JSON.parse(readFileSync(STATE, 'utf8'));
  const cp = f['certificate-key'] ? ` --control-plane --certificate-key ${f['certificate-key']}` : '';
  out(`kubeadm join ${state.endpoint} --token ${r.token} --discovery-token-ca-cert-hash ${caHash(readFileSync(`${PKI}/ca.crt`, 'utf8'))}${cp} `);
}

function parseDuration(s) {
  const m = /^(\d+)(h|m|s)?$/.exec(String(s).replace(/0s$/, '').replace(/m0s$/, 'm') || '0');
  if (!m) return 86400;
  return Number(m[1]) * ({ h: 3600, m: 60, s: 1 }[m[2] ?? 's']);
}

async function uploadCerts() {
  if (!f['upload-certs']) { out('[upload-certs] Skipping phase. Please see --upload-certs'); return; }
  const r = await adminCall('/lab/certkeys', { key: f['certificate-key'] });
  out(`[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${r.key}`);
}

async function join() {
  const cfg = f.config ? await loadConfig(f.config) : {};
  const jc = cfg.JoinConfiguration;
  if (f.config && !jc) throw new ConfigError(`no JoinConfiguration found in ${f.config}`);
  const bt = jc?.discovery?.bootstrapToken ?? {};
  const endpoint = bt.apiServerEndpoint ?? f._[1];
  const tok = bt.token ?? f.token ?? f['discovery-token'];
  const hashes = bt.caCertHashes ?? (f['discovery-token-ca-cert-hash'] ? [f['discovery-token-ca-cert-hash']] : []);
  const skipCa = bt.unsafeSkipCAVerification ?? f['discovery-token-unsafe-skip-ca-verification'];
  const controlPlane = Boolean(jc ? jc.controlPlane : f['control-plane']);
  const certificateKey = jc?.controlPlane?.certificateKey ?? f['certificate-key'];
  const address = jc?.controlPlane?.localAPIEndpoint?.advertiseAddress ?? f['apiserver-advertise-address'] ?? defaultAddress();
  const name = jc?.nodeRegistration?.name ?? f['node-name'] ?? hostname();
  if (!endpoint || !validEndpoint(endpoint)) throw new ConfigError('discovery.bootstrapToken.apiServerEndpoint: Invalid value: "": the API server endpoint is invalid');
  if (!/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(String(tok ?? ''))) throw new ConfigError('discovery.bootstrapToken.token: Invalid value: "<redacted>": the bootstrap token is invalid');
  if (!skipCa && hashes.length === 0) throw new ConfigError('discovery.bootstrapToken.caCertHashes: Invalid value: []: using token-based discovery without caCertHashes can be unsafe');
  if (controlPlane && !certificateKey) throw new ConfigError('the --certificate-key flag (controlPlane.certificateKey) is required to download the control-plane certificates');
  out('[preflight] Running pre-flight checks');
  await preflight({ controlPlane, join: true });
  const server = `https://${withPort(endpoint)}`;
  const until = Date.now() + Number(process.env.LAB_KUBEADM_DISCOVERY_TIMEOUT ?? 20) * 1000;
  let info;
  let last = '';
  while (!info) {
    try {
      const r = await call({ server, path: '/api/v1/namespaces/kube-public/configmaps/cluster-info', token: tok, insecure: true, timeoutMs: 5000 });
      if (r.status === 200 && r.body?.data?.ca) info = r.body.data;
      else if (r.status === 200) { process.stderr.write(`error execution phase preflight: couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "${tok.split('.')[0]}"\n`); throw new Fail(); }
      else last = `unexpected status ${r.status}`;
    } catch (e) {
      if (e instanceof Fail) throw e;
      last = e.message;
    }
    if (!info) {
      if (Date.now() > until) { process.stderr.write(`error execution phase preflight: couldn't validate the identity of the API Server: failed to request the cluster-info ConfigMap: ${last}\nTo see the stack trace of this error execute with --v=5 or higher\n`); throw new Fail(); }
      await sleep(1000);
    }
  }
  const pin = caHash(info.ca);
  if (!skipCa && !hashes.map((h) => h.toLowerCase()).includes(pin)) {
    process.stderr.write(`error execution phase preflight: couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${pin}" are pinned\n`);
    throw new Fail();
  }
  out(`[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...`);
  const r = await call({ server, path: '/lab/join', method: 'POST', body: { name, address, controlPlane, certificateKey }, token: tok, ca: info.ca, timeoutMs: 10000 }).catch((e) => ({ status: 0, body: { message: e.message } }));
  if (r.status !== 200) { process.stderr.write(`error execution phase ${controlPlane ? 'control-plane-prepare/download-certs' : 'kubelet-start'}: ${r.body?.message ?? `status ${r.status}`}\n`); throw new Fail(); }
  mkdirSync(PKI, { recursive: true });
  writeFileSync(`${PKI}/ca.crt`, info.ca);
  writeKubeletConfig();
  writeKubeconfig(`${K}/kubelet.conf`, { cluster: r.body.state.cluster, server, caPem: info.ca, user: `system:node:${name}`, token: tok });
  if (controlPlane) {
    writeFileSync(`${PKI}/ca.key`, r.body.caKey, { mode: 0o600 });
    issue('apiserver', '/CN=kube-apiserver', { sans: apiServerSans({ endpointHost: hostOf(withPort(endpoint)), address }) });
    issue('lab-admin', '/O=system:masters/CN=lab-replication', { client: true });
    etcdCerts(name, address);
    mkdirSync('/var/lib/etcd', { recursive: true, mode: 0o700 });
    writeFileSync(STATE, JSON.stringify(r.body.state));
    out('[control-plane] Creating static Pod manifests in "/etc/kubernetes/manifests"');
    writeManifests({ address, serviceSubnet: r.body.state.serviceSubnet, podSubnet: r.body.state.podSubnet });
    writeKubeconfigs({ cluster: r.body.state.cluster, endpoint: withPort(endpoint), address, ca: info.ca, superAdmin: false });
  }
  startKubelet();
  if (controlPlane) await waitHealthy('https://127.0.0.1:6443', info.ca, 30, 'control-plane-join/etcd');
  out('\nThis node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response was received.\n* The Kubelet was informed of the new secure connection details.\n');
  if (controlPlane) out('* A new etcd member was added to the local/stacked etcd cluster.\n* The new control plane instance was created.\n\nTo start administering your cluster from this node, you need to run the following as a regular user:\n\n\tmkdir -p $HOME/.kube\n\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n');
  else out("Run 'kubectl get nodes' on the control-plane to see this node join the cluster.");
}

async function reset() {
  if (!f.force && !f.f) {
    process.stderr.write('[reset] Are you sure you want to proceed? [y/N]: ');
    const answer = readTrim('/dev/stdin') ?? '';
    if (!/^y(es)?$/i.test(answer)) { process.stderr.write('error execution phase preflight: aborted reset operation\n'); throw new Fail(); }
  }
  if (existsSync(STATE) && existsSync(`${PKI}/lab-admin.crt`)) {
    try {
      const st = JSON.parse(readFileSync(STATE, 'utf8'));
      const other = (st.members ?? []).find((m) => m.name !== hostname());
      if (other) await call({ server: `https://${other.address}:6443`, path: '/lab/leave', method: 'POST', body: { name: hostname() }, ...localAdmin(), timeoutMs: 3000, insecure: true });
    } catch { /* best effort, like kubeadm's etcd member removal */ }
  }
  out('[reset] Stopping the kubelet service');
  systemctl('stop', 'kubelet');
  out('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]');
  rmSync(`${K}/manifests`, { recursive: true, force: true });
  mkdirSync(`${K}/manifests`, { recursive: true });
  for (const p of [`${K}/pki`, '/var/lib/kubelet', '/var/lib/etcd']) rmSync(p, { recursive: true, force: true });
  out('[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]');
  for (const c of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) rmSync(`${K}/${c}`, { force: true });
  out('\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d');
}

async function main() {
  if (cmd === 'version') {
    out(f.o === 'short' || f.output === 'short' ? `v${VERSION}` : `kubeadm version: &version.Info{Major:"1", Minor:"${VERSION.split('.')[1]}", GitVersion:"v${VERSION}", GoVersion:"go1.23.6", Compiler:"gc", Platform:"linux/amd64"}`);
    return;
  }
  if (cmd === 'init' && sub === 'phase' && sub2 === 'upload-certs') return uploadCerts();
  if (cmd === 'init') return init();
  if (cmd === 'join') return join();
  if (cmd === 'reset') return reset();
  if (cmd === 'token' && sub === 'create') return tokenCreate();
  if (cmd === 'token' && sub === 'list') {
    const r = await adminCall('/lab/tokens');
    out('TOKEN                     TTL         EXPIRES');
    for (const t of r.tokens) out(`${t.id}.<value withheld>   ${t.expires ? `${Math.round((t.expires - Date.now()) / 3600e3)}h` : '<forever>'}`);
    return;
  }
  if (cmd === 'certs' && sub === 'certificate-key') return out(randomBytes(32).toString('hex'));
  if (cmd === 'certs' && sub === 'check-expiration') { if (!checkExpiration(out)) throw new Fail(); return; }
  if (cmd === 'certs' && sub === 'renew') {
    if (sub2 !== 'all') { process.stderr.write(`kubeadm (provision lab stand-in): 'certs renew ${sub2 ?? ''}' is not emulated (only 'all')\n`); throw new Fail(); }
    if (!renewAll(out, 365)) throw new Fail();
    return;
  }
  if (cmd === 'upgrade') {
    const o = { kubeadmVersion: `v${VERSION}`, target: sub2, yes: Boolean(f.yes || f.y), force: Boolean(f.force || f.f), ask: (q) => { process.stderr.write(q); return /^y(es)?$/i.test(readTrim('/dev/stdin') ?? ''); } };
    // upgrade apply/node renew the certificates too unless --certificate-renewal=false (kubeadm's default).
    const renew = f['certificate-renewal'] === 'false' ? undefined : () => renewAll(() => {}, 365);
    if (process.env.LAB_KUBEADM_FAIL === `upgrade-${sub}`) { process.stderr.write(`[lab] LAB_KUBEADM_FAIL=upgrade-${sub}: failing on purpose\n`); throw new Fail(); }
    const ok = sub === 'plan' ? await upgradePlan(out, o) : sub === 'apply' ? await upgradeApply(out, { ...o, renew }) : sub === 'node' ? await upgradeNode(out, { ...o, renew }) : (process.stderr.write(`kubeadm (provision lab stand-in): 'upgrade ${sub ?? ''}' is not emulated\n`), false);
    if (!ok) throw new Fail();
    return;
  }
  if (cmd === 'config' && sub === 'images') {
    for (const i of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy']) out(`${sub2 === 'pull' ? '[config/images] Pulled ' : ''}registry.k8s.io/${i}:v${VERSION}`);
    return;
  }
  process.stderr.write(`kubeadm (provision lab stand-in): '${f._.join(' ')}' is not emulated\n`);
  throw new Fail();
}

main().catch((e) => {
  if (e instanceof ConfigError) process.stderr.write(`${e.message}\nTo see the stack trace of this error execute with --v=5 or higher\n`);
  else if (!(e instanceof Fail)) process.stderr.write(`kubeadm: ${e.stack ?? e}\n`);
  process.exit(1);
});
