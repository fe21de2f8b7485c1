// Lab stand-in for the kubelet: runs the static pods it can (the API server stand-in, kube-vip's VIP) from /etc/kubernetes/manifests,
// plays the CNI DaemonSets' install-cni, and reports the CNI configuration /etc/cni/net.d really holds (the node's Ready).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileCache } from './lib/file-cache.mjs';
import { call, localAdmin, readKubeconfig } from './lib/kube-client.mjs';
import { statusDue } from './lib/node-status.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MANIFESTS = '/etc/kubernetes/manifests';
const log = (m) => process.stdout.write(`${new Date().toISOString()} kubelet: ${m}\n`);
let api;
let apiManifest; // the manifest the running API server was started from
let vip; // {address, iface} currently raised
const self = hostname();

async function parseYaml(file) {
  const { parse } = await import('yaml');
  return parse(readFileSync(file, 'utf8'));
}

const cachedRead = fileCache();

function flags(container) {
  const out = {};
  for (const a of [...(container?.command ?? []), ...(container?.args ?? [])]) {
    const m = /^--([^=]+)=(.*)$/.exec(String(a));
    if (m) out[m[1]] = m[2];
  }
  return out;
}

async function syncApiServer() {
  const file = `${MANIFESTS}/kube-apiserver.yaml`;
  const want = existsSync(file) && existsSync('/var/lib/etcd/lab-state.json') && existsSync('/etc/kubernetes/pki/apiserver.crt');
  // A changed manifest (a new image after `kubeadm upgrade`) restarts the static pod, as the kubelet does.
  const content = want ? readFileSync(file, 'utf8') : undefined;
  if (want && api && apiManifest !== undefined && content !== apiManifest) {
    log('kube-apiserver manifest changed: restarting the static pod');
    api.kill('SIGTERM');
    api = undefined;
    await new Promise((r) => setTimeout(r, 300));
  }
  if (want && !api) {
    apiManifest = content;
    let f = {};
    let image = '';
    try { const c = (await parseYaml(file))?.spec?.containers?.[0]; f = flags(c); image = String(c?.image ?? ''); } catch (e) { log(`bad kube-apiserver manifest: ${e.message}`); return; }
    // The image the pod runs (what `kubeadm upgrade` waits to see restarted): the stand-in reports it at /lab/image.
    const child = spawn(process.execPath, [`${here}/api-server.mjs`, `--secure-port=${f['secure-port'] ?? 6443}`, `--lab-image=${image}`], { stdio: 'inherit' });
    api = child;
    child.on('exit', (c) => { log(`kube-apiserver exited (${c})`); if (api === child) api = undefined; });
    log('started static pod kube-apiserver');
  } else if (!want && api) {
    api.kill('SIGTERM');
    api = undefined;
  }
}

function ip(args) {
  return spawnSync('ip', args, { encoding: 'utf8' });
}

function dropVip() {
  if (!vip) return;
  ip(['addr', 'del', `${vip.address}/32`, 'dev', vip.iface]);
  log(`released VIP ${vip.address} on ${vip.iface}`);
  vip = undefined;
}

async function syncKubeVip() {
  const file = `${MANIFESTS}/kube-vip.yaml`;
  if (!existsSync(file)) return dropVip();
  let env = {};
  try {
    const pod = await cachedRead(file, parseYaml);
    for (const e of pod?.spec?.containers?.[0]?.env ?? []) env[e.name] = String(e.value ?? '');
  } catch (e) { log(`kube-vip: bad manifest: ${e.message}`); return dropVip(); }
  const address = env.address || env.vip_address;
  const iface = env.vip_interface;
  if (!address || !iface || env.cp_enable !== 'true') { log('kube-vip: manifest has no address/vip_interface or cp_enable is not "true"'); return dropVip(); }
  if (!existsSync(`/sys/class/net/${iface}`)) { log(`kube-vip: interface ${iface} not found`); return dropVip(); }
  let leader = false;
  try {
    const r = await call({ server: 'https://127.0.0.1:6443', path: '/lab/lease', method: 'POST', body: { name: env.vip_leasename || 'plndr-cp-lock', holder: self, ttlSeconds: Number(env.vip_leaseduration || 5) }, ...localAdmin(), timeoutMs: 2000 });
    leader = r.status === 200 && r.body.acquired;
  } catch { leader = false; }
  if (!leader) return dropVip();
  if (vip && (vip.address !== address || vip.iface !== iface)) dropVip();
  if (!vip) {
    const r = ip(['addr', 'add', `${address}/32`, 'dev', iface]);
    if (r.status !== 0 && !/exists/.test(r.stderr)) { log(`kube-vip: cannot add ${address} to ${iface}: ${r.stderr.trim()}`); return; }
    vip = { address, iface };
    if (existsSync('/usr/bin/arping')) spawnSync('/usr/bin/arping', ['-U', '-c', '1', '-I', iface, address]);
    log(`kube-vip: leader ${self}, VIP ${address} on ${iface}`);
  }
}

const CNI_DIR = '/etc/cni/net.d';
let reported; // the last status the API server took, and when: { body, kc, at }
/**
 * Plays the CNI DaemonSets' install-cni on this node, then reports what /etc/cni/net.d really holds (the API's Ready):
 * at once when it changed, or the kubeconfig did (a new join), or the last report was not taken; else every 10 s.
 */
async function syncCni() {
  if (!existsSync('/etc/kubernetes/kubelet.conf')) return;
  let kc;
  try { kc = await cachedRead('/etc/kubernetes/kubelet.conf', readKubeconfig); } catch { return; }
  const admin = existsSync('/etc/kubernetes/pki/lab-admin.crt') ? localAdmin() : {};
  const conn = { server: kc.server, ca: kc.ca, token: kc.token, cert: admin.cert ?? kc.cert, key: admin.key ?? kc.key, timeoutMs: 3000 };
  try {
    const r = await call({ ...conn, path: '/lab/cni' });
    for (const c of r.status === 200 ? r.body.configs : []) {
      const path = `${CNI_DIR}/${c.file}`;
      if (existsSync(path) && readFileSync(path, 'utf8') === c.content) continue;
      mkdirSync(CNI_DIR, { recursive: true });
      writeFileSync(path, c.content);
      log(`install-cni: wrote ${path}`);
    }
  } catch { /* the API may not answer yet */ }
  const files = existsSync(CNI_DIR) ? readdirSync(CNI_DIR).filter((f) => /\.(conflist|conf|json)$/.test(f)) : [];
  const body = { name: self, cni: files, version: process.env.LAB_KUBE_VERSION };
  const text = JSON.stringify(body);
  if (!statusDue(reported, { body: text, kc, now: Date.now() })) return;
  try {
    const r = await call({ ...conn, path: '/lab/node-status', method: 'POST', body });
    reported = r.status === 200 ? { body: text, kc, at: Date.now() } : undefined;
  } catch { reported = undefined; /* retried next loop */ }
}

let stopping = false;
process.on('SIGTERM', () => { stopping = true; dropVip(); api?.kill('SIGTERM'); setTimeout(() => process.exit(0), 200); });
log('started (lab stand-in)');
while (!stopping) {
  try { await syncApiServer(); await syncKubeVip(); await syncCni(); } catch (e) { log(`sync: ${e.message}`); }
  await new Promise((r) => setTimeout(r, 1000));
}
