// kubeadm upgrade plan / apply / node for the lab stand-in: kubeadm's version policy (one minor at a time, kubeadm not older than the
// target, kubelets at most 3 minors behind), its health check, static pod manifests moved to the new version; recorded in the API's events.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { call, readKubeconfig } from './kube-client.mjs';

const K = '/etc/kubernetes';
const minor = (v) => Number(/^v?\d+\.(\d+)/.exec(String(v))?.[1]);
const norm = (v) => (String(v).startsWith('v') ? String(v) : `v${v}`);

/** kubeadm's API client retries while the endpoint does not answer (an API server restarting, the VIP moving). */
async function api(path, body, conf = `${K}/admin.conf`) {
  const kc = await readKubeconfig(conf);
  const until = Date.now() + 60_000;
  let r;
  for (;;) {
    try { r = await call({ server: kc.server, path, method: body ? 'POST' : 'GET', body, ca: kc.ca, cert: kc.cert, key: kc.key, token: kc.token, timeoutMs: 5000 }); break; } catch (e) {
      if (Date.now() > until) throw new Error(`${path}: ${e.message}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  if (r.status !== 200) throw new Error(r.body?.message ?? `status ${r.status}`);
  return r.body;
}

/** EnforceVersionPolicies (cmd/kubeadm/app/phases/upgrade/policy.go): mandatory and skippable errors. */
function policy({ cluster, kubeadm, target, kubelets }) {
  const mandatory = [];
  const skippable = [];
  if (minor(target) > minor(cluster) + 1) mandatory.push(`Specified version to upgrade to "${target}" is too high; kubeadm can upgrade only 1 minor version at a time`);
  if (minor(target) < minor(cluster) - 1) mandatory.push(`Specified version to downgrade to "${target}" is too low; kubeadm can downgrade only 1 minor version at a time`);
  if (minor(target) > minor(kubeadm)) mandatory.push(`Specified version to upgrade to "${target}" is at least one minor release higher than the kubeadm minor release (${minor(target)} > ${minor(kubeadm)}). Such an upgrade is not supported`);
  else if (target !== kubeadm && minor(target) === minor(kubeadm) && Number(target.split('.')[2]) > Number(kubeadm.split('.')[2])) skippable.push(`Specified version to upgrade to "${target}" is higher than the kubeadm version "${kubeadm}". Upgrade kubeadm first using the tool you used to install kubeadm`);
  if (minor(kubeadm) > minor(target)) skippable.push(`Kubeadm version ${kubeadm} can only be used to upgrade to Kubernetes version 1.${minor(kubeadm)}`);
  const old = [...new Set(kubelets.filter((v) => minor(target) > minor(v) + 3))];
  if (old.length) skippable.push(`There are kubelets in this cluster that are too old that have these versions [${old.join(' ')}]`);
  return { mandatory, skippable };
}

function fatal(out, errs, force) {
  const list = [...errs.mandatory, ...(force ? [] : errs.skippable)];
  if (!list.length) return false;
  process.stderr.write(`[upgrade/version] FATAL: the --version argument is invalid due to these ${errs.mandatory.length ? 'fatal ' : ''}errors:\n\n${list.map((e) => `\t- ${e}\n`).join('')}\n${errs.mandatory.length ? 'Please fix the misalignments highlighted above and try upgrading again' : 'Can be bypassed if you pass the --force flag'}\nTo see the stack trace of this error execute with --v=5 or higher\n`);
  return true;
}

/** The control planes must be Ready (kubeadm's "ControlPlaneNodesReady" health check). */
function healthCheck(nodes) {
  const notReady = nodes.items.filter((n) => n.metadata.labels['node-role.kubernetes.io/control-plane'] !== undefined && n.status.conditions.find((c) => c.type === 'Ready')?.status !== 'True');
  if (!notReady.length) return undefined;
  return `[upgrade/health] FATAL: [preflight] Some fatal errors occurred:\n\t[ERROR ControlPlaneNodesReady]: there are NotReady control-planes in the cluster: [${notReady.map((n) => n.metadata.name).join(' ')}]\n`;
}

/** Image tags of this node's static pods moved to `version` (the manifests' other fields kept). */
function upgradeManifests(version) {
  const dir = `${K}/manifests`;
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (!['kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml', 'etcd.yaml'].includes(f)) continue;
    const text = readFileSync(`${dir}/${f}`, 'utf8');
    writeFileSync(`${dir}/${f}`, text.replace(/^(\s*image: registry\.k8s\.io\/[a-z-]+):v[0-9][^\s]*$/gm, `$1:${version}`));
  }
}

/** kubeadm waits for the kubelet to restart each static pod with the new manifest before it goes on. */
async function waitForRestart(out, version) {
  out('[upgrade/staticpods] Waiting for the kubelet to restart the component');
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      const r = await call({ server: 'https://127.0.0.1:6443', path: '/lab/image', insecure: true, timeoutMs: 2000 });
      if (r.status === 200 && String(r.body.image).endsWith(`:${version}`)) {
        const h = await call({ server: 'https://127.0.0.1:6443', path: '/healthz', insecure: true, timeoutMs: 2000 });
        if (h.status === 200) { out('[apiclient] Found 1 Pods for label selector component=kube-apiserver\n[upgrade/staticpods] Component "kube-apiserver" upgraded successfully!'); return true; }
      }
    } catch { /* restarting */ }
    if (Date.now() > until) { process.stderr.write('[upgrade/staticpods] failed to restart the kube-apiserver: timed out waiting for the condition\n'); return false; }
    await new Promise((res) => setTimeout(res, 500));
  }
}

export async function upgradePlan(out, { kubeadmVersion, target }) {
  out('[preflight] Running pre-flight checks.');
  const version = await api('/version');
  const nodes = await api('/api/v1/nodes');
  out('[upgrade/config] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  out('[upgrade] Running cluster health checks');
  const h = healthCheck(nodes);
  if (h) { process.stderr.write(h); return false; }
  const cluster = version.gitVersion;
  const want = norm(target ?? kubeadmVersion);
  out(`[upgrade] Fetching available versions to upgrade to\n[upgrade/versions] Cluster version: ${cluster}\n[upgrade/versions] kubeadm version: ${norm(kubeadmVersion)}`);
  if (fatal(out, policy({ cluster, kubeadm: norm(kubeadmVersion), target: want, kubelets: nodes.items.map((n) => n.status.nodeInfo.kubeletVersion) }), false)) return false;
  out("\nComponents that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\nCOMPONENT   NODE        CURRENT   TARGET");
  for (const n of nodes.items) out(`kubelet     ${n.metadata.name.padEnd(12)}${n.status.nodeInfo.kubeletVersion.padEnd(10)}${want}`);
  out('\nUpgrade to the latest stable version:\n\nCOMPONENT                 NODE        CURRENT   TARGET');
  for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) out(`${c.padEnd(26)}${hostname().padEnd(12)}${cluster.padEnd(10)}${want}`);
  out(`\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${want}\n`);
  return true;
}

export async function upgradeApply(out, { kubeadmVersion, target, yes, force, ask, renew }) {
  if (!target) { process.stderr.write('error: the version argument is required: kubeadm upgrade apply [version]\n'); return false; }
  if (!existsSync(`${K}/admin.conf`)) { process.stderr.write(`error: failed to load admin kubeconfig: open ${K}/admin.conf: no such file or directory\n`); return false; }
  out('[preflight] Running pre-flight checks.');
  const version = await api('/version');
  const nodes = await api('/api/v1/nodes');
  out('[upgrade/config] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...\n[upgrade] Running cluster health checks');
  const h = healthCheck(nodes);
  if (h) { process.stderr.write(h); return false; }
  const want = norm(target);
  out(`[upgrade/version] You have chosen to change the cluster version to "${want}"\n[upgrade/versions] Cluster version: ${version.gitVersion}\n[upgrade/versions] kubeadm version: ${norm(kubeadmVersion)}`);
  if (fatal(out, policy({ cluster: version.gitVersion, kubeadm: norm(kubeadmVersion), target: want, kubelets: nodes.items.map((n) => n.status.nodeInfo.kubeletVersion) }), force)) return false;
  if (!yes && !force && !ask('[upgrade] Are you sure you want to proceed? [y/N]: ')) { process.stderr.write('error execution phase preflight: won\'t proceed; the user didn\'t answer (Y|y) in order to continue\n'); return false; }
  out(`[upgrade/staticpods] Writing new Static Pod manifests to "${K}/manifests"`);
  if (renew) renew();
  upgradeManifests(want);
  if (!(await waitForRestart(out, want))) return false;
  await api('/lab/cluster-version', { version: want.slice(1), node: hostname() });
  out(`[upgrade/successful] SUCCESS! Your cluster was upgraded to "${want}". Enjoy!\n\n[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.`);
  return true;
}

/** `kubeadm upgrade node`: a control plane's manifests to the cluster's version; a worker's kubelet configuration (lab: only when drained). */
export async function upgradeNode(out, { kubeadmVersion, renew }) {
  const controlPlane = existsSync(`${K}/manifests/kube-apiserver.yaml`);
  const conf = controlPlane ? `${K}/admin.conf` : `${K}/kubelet.conf`;
  if (!existsSync(conf)) { process.stderr.write(`error execution phase preflight: open ${conf}: no such file or directory\n`); return false; }
  out('[upgrade] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  const info = await api(`/lab/node-info?name=${encodeURIComponent(hostname())}`, undefined, conf);
  const cluster = norm(info.version);
  if (minor(kubeadmVersion) < minor(cluster)) { process.stderr.write(`error execution phase preflight: the kubeadm version ${norm(kubeadmVersion)} is older than the cluster version ${cluster}: upgrade kubeadm first\n`); return false; }
  if (minor(kubeadmVersion) > minor(cluster)) { process.stderr.write(`error execution phase preflight: [lab] the cluster is still at ${cluster}: run 'kubeadm upgrade apply ${norm(kubeadmVersion)}' on the first control plane before 'kubeadm upgrade node' (kubeadm ${norm(kubeadmVersion)})\n`); return false; }
  if (!controlPlane && !info.node?.unschedulable) { process.stderr.write(`error execution phase kubelet-config: [lab] node "${hostname()}" is schedulable: drain it first (kubectl drain ${hostname()} --ignore-daemonsets)\n`); return false; }
  if (controlPlane) {
    out(`[upgrade/staticpods] Writing new Static Pod manifests to "${K}/manifests"`);
    if (renew) renew();
    upgradeManifests(cluster);
    if (!(await waitForRestart(out, cluster))) return false;
  }
  await api('/lab/event', { node: hostname(), what: 'upgrade-node', detail: cluster }, conf);
  out('[upgrade/kubelet-config] The kubelet configuration for this node was successfully upgraded!');
  out(controlPlane ? '[upgrade] The control plane instance for this node was successfully upgraded!' : '[upgrade] The configuration for this node was successfully upgraded!\n[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.');
  return true;
}
