// Lab stand-in for containerd's ctr: only `ctr -n k8s.io run --rm ... ETCD_IMAGE ID etcdutl snapshot restore ...`, the way
// provision runs etcdutl from the etcd image to restore a snapshot; etcdutl's own refusals (not a snapshot, data dir in use).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SNAPSHOT_MAGIC, dataDirFree } from './lib/etcdctl.mjs';

const argv = process.argv.slice(2);
const die = (m, code = 1) => { process.stderr.write(`${m}\n`); process.exit(code); };
let ns;
let i = 0;
for (; i < argv.length && argv[i].startsWith('-'); i++) {
  if (argv[i] === '-n' || argv[i] === '--namespace') ns = argv[++i];
  else if (argv[i].startsWith('--namespace=')) ns = argv[i].split('=')[1];
}
if (argv[i] !== 'run') die(`ctr (provision lab stand-in): '${argv.slice(i).join(' ')}' is not emulated (only run ... etcdutl snapshot restore)`);
const mounts = [];
for (i++; i < argv.length && argv[i].startsWith('-'); i++) {
  if (argv[i] === '--mount') mounts.push(argv[++i]);
}
const [image, id, cmd, ...rest] = argv.slice(i);
if (!image || !id) die('ctr: image ref and container id must be provided');
// The kubelet's images live in containerd's k8s.io namespace; elsewhere the etcd image is not there.
if (ns !== 'k8s.io') die(`ctr: image "${image}": not found`);
const etcdManifest = ['/etc/kubernetes/manifests/etcd.yaml', '/etc/kubernetes/provision-restore-manifests/etcd.yaml'].find((f) => existsSync(f));
const pulled = etcdManifest && readFileSync(etcdManifest, 'utf8').includes(`image: ${image}`);
if (!pulled) die(`ctr: image "${image}": not found`);
if (!mounts.some((m) => /(^|,)src=\/var\/lib(,|$)/.test(m) && /dst=\/var\/lib(,|$)/.test(m))) die('[lab] ctr: run without /var/lib mounted: etcdutl would not see the snapshot or the data dir');
if (cmd !== 'etcdutl' || rest[0] !== 'snapshot' || rest[1] !== 'restore') die(`ctr (provision lab stand-in): only etcdutl snapshot restore is emulated, not '${[cmd, ...rest].join(' ')}'`);

const f = {};
const pos = [];
for (let j = 2; j < rest.length; j++) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(rest[j]);
  if (m) f[m[1]] = m[2] ?? rest[++j];
  else pos.push(rest[j]);
}
const [file] = pos;
if (!file || !existsSync(file)) die(`Error: open ${file ?? ''}: no such file or directory`);
const [magic, body] = readFileSync(file, 'utf8').split('\n');
if (magic !== SNAPSHOT_MAGIC) die('Error: snapshot file integrity check failed. 0 errors found.\nsnapshot missing hash but --skip-hash-check=false');
const dataDir = f['data-dir'] ?? `${f.name ?? 'default'}.etcd`;
if (!dataDirFree(dataDir)) die(`Error: data-dir "${dataDir}" not empty or could not be read`);
const name = f.name ?? 'default';
const cluster = String(f['initial-cluster'] ?? '').split(',').filter(Boolean).map((e) => { const [n, u] = e.split('='); return { name: n, url: u }; });
const self = cluster.find((c) => c.name === name);
if (!self) die(`Error: couldn't find local name "${name}" in the initial cluster configuration`);
if (f['initial-advertise-peer-urls'] && f['initial-advertise-peer-urls'] !== self.url) die(`Error: --initial-cluster has ${name}=${self.url} but missing from --initial-advertise-peer-urls=${f['initial-advertise-peer-urls']}`);
const { state } = JSON.parse(body);
const now = Date.now();
// A restored snapshot is a new cluster: the members are exactly --initial-cluster, with new IDs; leases start empty.
const restored = {
  ...state,
  rev: (state.rev ?? 0) + 1,
  members: cluster.map((c) => ({ name: c.name, address: new URL(c.url).hostname, port: 6443, joinedAt: now })),
  removedMembers: [],
  left: [],
  leases: {},
  restoredAt: now,
};
mkdirSync(`${dataDir}/member/snap`, { recursive: true, mode: 0o700 });
writeFileSync(`${dataDir}/lab-state.json`, JSON.stringify(restored));
process.stdout.write(`{"level":"info","msg":"restored snapshot","path":"${file}","wal-dir":"${dataDir}/member/wal","data-dir":"${dataDir}","snap-dir":"${dataDir}/member/snap"}\n`);
