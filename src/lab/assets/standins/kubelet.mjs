// Lab stand-in for the kubelet: runs the static pods it can (the API server stand-in, kube-vip's VIP) from /etc/kubernetes/manifests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, localAdmin } from './lib/kube-client.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MANIFESTS = '/etc/kubernetes/manifests';
const log = (m) => process.stdout.write(`${new Date().toISOString()} kubelet: ${m}\n`);
let api;
let vip; // {address, iface} currently raised
const self = hostname();

async function parseYaml(file) {
  const { parse } = await import('yaml');
  return parse(readFileSync(file, 'utf8'));
}

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
  if (want && !api) {
    let f = {};
    try { f = flags((await parseYaml(file))?.spec?.containers?.[0]); } catch (e) { log(`bad kube-apiserver manifest: ${e.message}`); return; }
    api = spawn(process.execPath, [`${here}/api-server.mjs`, `--secure-port=${f['secure-port'] ?? 6443}`], { stdio: 'inherit' });
    api.on('exit', (c) => { log(`kube-apiserver exited (${c})`); api = undefined; });
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
    const pod = await parseYaml(file);
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

let stopping = false;
process.on('SIGTERM', () => { stopping = true; dropVip(); api?.kill('SIGTERM'); setTimeout(() => process.exit(0), 200); });
log('started (lab stand-in)');
while (!stopping) {
  try { await syncApiServer(); await syncKubeVip(); } catch (e) { log(`sync: ${e.message}`); }
  await new Promise((r) => setTimeout(r, 1000));
}
