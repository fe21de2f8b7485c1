// Lab stand-in for kubectl: apply -f, get nodes (table, -o json/name/wide), wait for nodes, version — against the kubeconfig's server.
import { readFileSync, existsSync } from 'node:fs';
import { call, readKubeconfig } from './lib/kube-client.mjs';

const all = process.argv.slice(2);
// `kubectl exec POD -- CMD ARGS...`: what follows `--` is the command, not kubectl's flags.
const dash = all.indexOf('--');
const argv = dash < 0 ? all : all.slice(0, dash);
const execCommand = dash < 0 ? [] : all.slice(dash + 1);
const opts = { files: [] };
const words = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const [k, v] = a.split(/=(.*)/s);
  const val = () => (v !== undefined ? v : argv[++i]);
  if (k === '--kubeconfig') opts.kubeconfig = val();
  else if (k === '-f' || k === '--filename') opts.files.push(val());
  else if (k === '-o' || k === '--output') opts.output = val();
  else if (k === '-n' || k === '--namespace') opts.namespace = val();
  else if (k === '--for') opts.for = val();
  else if (k === '--timeout') opts.timeout = val();
  else if (k === '--request-timeout') val();
  else if (k === '--server' || k === '-s') opts.server = val();
  else if (k === '--field-manager') opts.fieldManager = val();
  else if (k === '--server-side') opts.serverSide = v === undefined || v === 'true';
  else if (k === '--all-namespaces' || k === '-A') opts.allNamespaces = true;
  else if (a.startsWith('-')) opts[a.replace(/^-+/, '')] = true;
  else words.push(a);
}
const die = (m, code = 1) => { process.stderr.write(`${m}\n`); process.exit(code); };

async function client() {
  const home = process.env.HOME ?? '/root';
  const path = opts.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? `${home}/.kube/config`;
  if (!existsSync(path)) die(`error: stat ${path}: no such file or directory`);
  const kc = await readKubeconfig(path);
  return async (p, body) => {
    try {
      const r = await call({ server: opts.server ?? kc.server, path: p, method: body ? 'POST' : 'GET', body, ca: kc.ca, cert: kc.cert, key: kc.key, token: kc.token, insecure: kc.insecure });
      if (r.status === 403 || r.status === 401) die(`Error from server (Forbidden): ${r.body?.message ?? 'forbidden'}`);
      if (r.status !== 200) die(`Error from server: ${r.body?.message ?? r.status}`);
      return r.body;
    } catch (e) {
      die(`The connection to the server ${new URL(opts.server ?? kc.server).host} was refused - did you specify the right host or port?\n(${e.message})`);
    }
  };
}

async function readManifests() {
  const { parseAllDocuments } = await import('yaml');
  const objs = [];
  for (const f of opts.files) {
    if (/^https?:/.test(f)) die(`error: unable to read URL "${f}": the lab is offline; copy the manifest to the host first`);
    const text = f === '-' ? readFileSync(0, 'utf8') : (() => { try { return readFileSync(f, 'utf8'); } catch { return die(`error: the path "${f}" does not exist`); } })();
    for (const d of parseAllDocuments(text)) {
      if (d.errors.length) die(`error: error parsing ${f}: ${d.errors[0].message}`);
      const o = d.toJS();
      if (!o) continue;
      if (o.kind === 'List') objs.push(...(o.items ?? [])); else objs.push(o);
    }
  }
  return objs;
}

const age = (ts) => { const s = Math.max(0, (Date.now() - Date.parse(ts)) / 1000); return s < 120 ? `${Math.round(s)}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`; };
const group = (apiVersion) => (apiVersion?.includes('/') ? `.${apiVersion.split('/')[0]}` : '');

async function main() {
  const [verb, what, name] = words;
  if (verb === 'version') {
    const api = await client();
    const v = await api('/version');
    process.stdout.write(`Client Version: ${v.gitVersion}\nServer Version: ${v.gitVersion}\n`);
    return;
  }
  if (verb === 'cluster-info') {
    const kc = await readKubeconfig(opts.kubeconfig ?? process.env.KUBECONFIG ?? `${process.env.HOME}/.kube/config`);
    const api = await client();
    await api('/version');
    process.stdout.write(`Kubernetes control plane is running at ${kc.server}\n`);
    return;
  }
  if (verb === 'apply' || verb === 'create') {
    if (!opts.files.length) die('error: must specify one of -f and -k');
    const objs = await readManifests();
    const api = await client();
    const r = await api('/lab/apply', { objects: objs, serverSide: Boolean(opts.serverSide), fieldManager: opts.fieldManager ?? (opts.serverSide ? 'kubectl' : undefined), source: opts.files.join(',') });
    let failed = false;
    for (const x of r.results) {
      if (x.error) { process.stderr.write(`${x.error}\n`); failed = true; continue; }
      process.stdout.write(`${x.kind.toLowerCase()}${group(x.apiVersion)}/${x.name} ${x.action}\n`);
    }
    if (failed) process.exit(1);
    return;
  }
  if (verb === 'get' && /^(nodes?|no)$/.test(what ?? '')) {
    const api = await client();
    const list = await api('/api/v1/nodes');
    let items = list.items;
    if (name) { items = items.filter((n) => n.metadata.name === name); if (!items.length) die(`Error from server (NotFound): nodes "${name}" not found`); }
    if (opts.output === 'json') { process.stdout.write(JSON.stringify(name ? items[0] : { ...list, items }, null, 4) + '\n'); return; }
    if (opts.output === 'name') { process.stdout.write(items.map((n) => `node/${n.metadata.name}\n`).join('')); return; }
    const rows = [['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', ...(opts.output === 'wide' ? ['INTERNAL-IP'] : [])]];
    for (const n of items) {
      const ready = `${n.status.conditions.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady'}${n.spec?.unschedulable ? ',SchedulingDisabled' : ''}`;
      const roles = Object.keys(n.metadata.labels).filter((l) => l.startsWith('node-role.kubernetes.io/')).map((l) => l.split('/')[1]).join(',') || '<none>';
      rows.push([n.metadata.name, ready, roles, age(n.metadata.creationTimestamp), n.status.nodeInfo.kubeletVersion, ...(opts.output === 'wide' ? [n.status.addresses[0].address] : [])]);
    }
    const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('   ').trimEnd()).join('\n') + '\n');
    return;
  }
  if (verb === 'get' && /^(pods?|po)$/.test(what ?? '')) {
    const api = await client();
    const list = await api(opts.allNamespaces ? '/api/v1/pods' : `/api/v1/namespaces/${opts.namespace ?? 'default'}/pods`);
    if (opts.output === 'json') { process.stdout.write(JSON.stringify(list, null, 4) + '\n'); return; }
    if (!list.items.length) { process.stderr.write(`No resources found in ${opts.namespace ?? 'default'} namespace.\n`); return; }
    process.stdout.write(['NAME STATUS NODE', ...list.items.map((p) => `${p.metadata.name} ${p.status.phase} ${p.spec.nodeName ?? '<none>'}`)].join('\n') + '\n');
    return;
  }
  if (verb === 'wait' && (what ?? '').includes('/') && !/^nodes?\//.test(what)) {
    // kubectl wait --for=condition=C [--timeout=T] KIND/NAME [-n NS]: polls what the lab API server says.
    const api = await client();
    const t = String(opts.timeout ?? '30s');
    const secs = parseInt(t, 10) * (t.endsWith('m') ? 60 : 1);
    const until = Date.now() + secs * 1000;
    for (;;) {
      const r = await api(`/lab/condition?what=${encodeURIComponent(what)}${opts.namespace ? `&namespace=${encodeURIComponent(opts.namespace)}` : ''}`);
      if (r.met) { process.stdout.write(`${what} condition met\n`); return; }
      if (Date.now() > until) die(`error: timed out waiting for the condition on ${what} (${r.message})`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  if (verb === 'get') {
    const api = await client();
    const r = await api('/lab/objects');
    const kind = (what ?? '').toLowerCase().replace(/s$/, '');
    const items = r.items.filter((o) => o.kind.toLowerCase() === kind || `${o.kind.toLowerCase()}s` === (what ?? '').toLowerCase());
    if (opts.output === 'json') { process.stdout.write(JSON.stringify({ kind: 'List', items }, null, 4) + '\n'); return; }
    if (!items.length) { process.stderr.write('No resources found\n'); return; }
    process.stdout.write(['NAME', ...items.map((o) => o.metadata.name)].join('\n') + '\n');
    return;
  }
  if (verb === 'wait' && /nodes?/.test(what ?? '')) {
    const api = await client();
    const until = Date.now() + (parseInt(opts.timeout ?? '30', 10) * (String(opts.timeout ?? '').endsWith('m') ? 60 : 1)) * 1000;
    for (;;) {
      const list = await api('/api/v1/nodes');
      const only = name ?? ((what ?? '').includes('/') ? what.split('/')[1] : undefined);
      const pending = list.items.filter((n) => (!only || n.metadata.name === only.replace(/^node\//, '')) && n.status.conditions.find((c) => c.type === 'Ready')?.status !== 'True');
      if (!pending.length) { process.stdout.write(list.items.map((n) => `node/${n.metadata.name} condition met\n`).join('')); return; }
      if (Date.now() > until) die(`error: timed out waiting for the condition on nodes/${pending[0].metadata.name}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  if (verb === 'cordon' || verb === 'uncordon') {
    if (!what) die(`error: resource(s) were provided, but no name was specified`);
    const api = await client();
    await api('/lab/cordon', { name: what, unschedulable: verb === 'cordon' });
    process.stdout.write(`node/${what} ${verb}ed\n`);
    return;
  }
  if (verb === 'drain') {
    // kubectl drain: cordon, then evict through the eviction API (PodDisruptionBudgets respected), retried until --timeout.
    if (!what) die(`error: resource(s) were provided, but no name was specified`);
    const api = await client();
    await api('/lab/cordon', { name: what, unschedulable: true });
    process.stdout.write(`node/${what} cordoned\n`);
    const t = String(opts.timeout ?? '0');
    const secs = parseInt(t, 10) * (t.endsWith('m') ? 60 : t.endsWith('h') ? 3600 : 1);
    const until = secs > 0 ? Date.now() + secs * 1000 : Infinity;
    for (;;) {
      const kc = await readKubeconfig(opts.kubeconfig ?? process.env.KUBECONFIG ?? `${process.env.HOME}/.kube/config`);
      const r = await call({ server: opts.server ?? kc.server, path: '/lab/drain', method: 'POST', body: { name: what, ignoreDaemonsets: Boolean(opts['ignore-daemonsets']) }, ca: kc.ca, cert: kc.cert, key: kc.key, token: kc.token });
      if (r.status === 200) {
        if (opts['ignore-daemonsets']) process.stderr.write(`Warning: ignoring DaemonSet-managed Pods\n`);
        for (const p of r.body.evicted) process.stdout.write(`evicting pod ${p}\npod/${p.split('/')[1]} evicted\n`);
        process.stdout.write(`node/${what} drained\n`);
        return;
      }
      if (r.status !== 429) die(`error: unable to drain node "${what}" due to error: ${r.body?.message ?? r.status}, continuing command...\nThere are pending nodes to be drained:\n ${what}\n${r.body?.message ?? ''}`);
      process.stderr.write(`error when evicting pods/"${(r.body?.pod ?? '').split('/')[1] ?? ''}" -n "${(r.body?.pod ?? '').split('/')[0] ?? ''}" (will retry after 5s): ${r.body?.message}\n`);
      if (Date.now() > until) die(`error: unable to drain node "${what}" due to error: [error when evicting pods/"${(r.body?.pod ?? '').split('/')[1] ?? ''}" -n "${(r.body?.pod ?? '').split('/')[0] ?? ''}": global timeout reached: ${t}], continuing command...\nThere are pending nodes to be drained:\n ${what}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  if (verb === 'delete' && /^(nodes?|no)$/.test(what ?? '')) {
    if (!name) die('error: resource(s) were provided, but no name was specified');
    const kc = await readKubeconfig(opts.kubeconfig ?? process.env.KUBECONFIG ?? `${process.env.HOME}/.kube/config`);
    const r = await call({ server: opts.server ?? kc.server, path: '/lab/delete-node', method: 'POST', body: { name }, ca: kc.ca, cert: kc.cert, key: kc.key, token: kc.token })
      .catch((e) => die(`The connection to the server ${new URL(opts.server ?? kc.server).host} was refused - did you specify the right host or port?\n(${e.message})`));
    if (r.status === 404 && opts['ignore-not-found']) return;
    if (r.status === 404) die(`Error from server (NotFound): nodes "${name}" not found`);
    if (r.status !== 200) die(`Error from server: ${r.body?.message ?? r.status}`);
    process.stdout.write(`node "${name}" deleted\n`);
    return;
  }
  if (verb === 'exec') {
    // kubectl exec [-n NS] POD -- CMD: the API server runs CMD in the pod and kubectl exits with its status.
    if (!what) die('error: expected \'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]\'.\nPOD_NAME and COMMAND are required arguments for the exec command');
    if (!execCommand.length) die('error: you must specify at least one command for the container');
    const api = await client();
    const r = await api('/lab/exec', { namespace: opts.namespace ?? 'default', pod: what, command: execCommand });
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    if (r.code !== 0) process.stderr.write(`command terminated with exit code ${r.code}\n`);
    process.exit(r.code === 0 ? 0 : r.code);
  }
  die(`kubectl (provision lab stand-in): '${words.join(' ')}' is not emulated`);
}

main().catch((e) => die(`kubectl: ${e.message}`));
