// The lab API server's object logic, pure over its state: Ready from reported CNI config, pods implied by workloads,
// kinds served only by applied CRDs, server-side apply per field manager, the Tigera operator's calico-node, waits.
// A node is Ready only when its kubelet reported a CNI configuration it really found in /etc/cni/net.d.
export const isReady = (n) => Array.isArray(n.cni) && n.cni.length > 0 && !n.skewViolation;
const NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

export function nodeList(state) {
  return {
    kind: 'NodeList', apiVersion: 'v1',
    items: (state.nodes ?? []).map((n) => ({
      kind: 'Node', apiVersion: 'v1',
      metadata: { name: n.name, creationTimestamp: new Date(n.joinedAt).toISOString(), labels: { 'kubernetes.io/hostname': n.name, ...(n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}) } },
      spec: { podCIDR: n.podCIDR, ...(n.unschedulable ? { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } : {}) },
      status: {
        addresses: [{ type: 'InternalIP', address: n.address }, { type: 'Hostname', address: n.name }],
        conditions: [{ type: 'Ready', status: isReady(n) ? 'True' : 'False', reason: isReady(n) ? 'KubeletReady' : 'KubeletNotReady', message: isReady(n) ? 'kubelet is posting ready status' : n.skewViolation ?? NOT_READY }],
        // What the node's running kubelet reported (its installed package), not the cluster's version.
        nodeInfo: { kubeletVersion: `v${n.kubeletVersion ?? state.version}`, containerRuntimeVersion: 'containerd://lab' },
      },
    })),
  };
}

const anyReady = (state) => (state.nodes ?? []).some(isReady);
const find = (state, kind, ns, name) => (state.objects ?? []).find((o) => o.kind === kind && (o.metadata.namespace ?? '') === (ns ?? '') && o.metadata.name === name);

/** Pods as the workload objects imply: a DaemonSet's on every node, a Deployment's and CoreDNS on one; Running only on a Ready node (or hostNetwork). */
export function podList(state, ns) {
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
    else pod(o, nodes.find((n) => (hn || isReady(n)) && !n.unschedulable) ?? (hn ? nodes[0] : undefined), hn);
  }
  return { kind: 'PodList', apiVersion: 'v1', items: pods.filter((p) => !ns || p.metadata.namespace === ns) };
}

/** What `kubectl wait --for=condition=...` would see, for the kinds provision waits on. */
export function condition(state, what, ns) {
  const [kind, name] = what.split('/');
  if (/^(crd|customresourcedefinitions?)$/.test(kind)) return find(state, 'CustomResourceDefinition', '', name) ? [true] : [false, `customresourcedefinitions.apiextensions.k8s.io "${name}" not found`];
  if (/^deployments?$/.test(kind)) {
    const d = find(state, 'Deployment', ns ?? 'default', name);
    if (!d) return [false, `deployments.apps "${name}" not found`];
    return d.spec?.template?.spec?.hostNetwork || anyReady(state) ? [true] : [false, 'no node is Ready: the pod cannot start'];
  }
  if (/^apiservices?$/.test(kind) && name === 'v3.projectcalico.org') {
    if (!find(state, 'APIServer', '', 'default')) return [false, `apiservices.apiregistration.k8s.io "${name}" not found`];
    return anyReady(state) ? [true] : [false, 'calico-apiserver is not running yet'];
  }
  return [false, `the lab API server does not emulate waiting on ${what}`];
}

/** Kinds a bare API server serves (group/Kind); everything else needs a CustomResourceDefinition. */
const BUILTIN = new Set(['/Namespace', '/ConfigMap', '/Secret', '/ServiceAccount', '/Service', '/Pod', '/Endpoints', 'apps/Deployment', 'apps/DaemonSet',
  'apps/StatefulSet', 'apps/ReplicaSet', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding', 'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding', 'apiextensions.k8s.io/CustomResourceDefinition', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'policy/PodDisruptionBudget', 'scheduling.k8s.io/PriorityClass', 'networking.k8s.io/NetworkPolicy',
  'batch/Job', 'coordination.k8s.io/Lease', 'apiregistration.k8s.io/APIService']);

/** Whether the API serves apiVersion/kind: built in, by an applied CRD's served version, or (projectcalico.org/v3) by Calico's API server. */
export function served(state, apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (BUILTIN.has(`${group}/${kind}`)) return true;
  if (apiVersion === 'projectcalico.org/v3') return Boolean(find(state, 'APIServer', '', 'default')) && anyReady(state) && ['BGPConfiguration', 'BGPPeer', 'IPPool'].includes(kind);
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
function operate(state) {
  const inst = find(state, 'Installation', '', 'default');
  if (!inst || !find(state, 'Deployment', 'tigera-operator', 'tigera-operator')) return;
  const cidr = inst.spec?.calicoNetwork?.ipPools?.[0]?.cidr ?? '192.168.0.0/16';
  const conflist = JSON.stringify({ name: 'k8s-pod-network', cniVersion: '0.3.1', plugins: [{ type: 'calico', ipam: { type: 'calico-ipam', assign_ipv4: 'true' }, lab_pool: cidr }, { type: 'portmap', capabilities: { portMappings: true } }] });
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-node', namespace: 'calico-system', annotations: { 'lab.provision/cni-file': '10-calico.conflist', 'lab.provision/cni-content': conflist } }, spec: { template: { spec: { hostNetwork: true } } } };
  const i = state.objects.findIndex((o) => o.kind === 'DaemonSet' && o.metadata.namespace === 'calico-system' && o.metadata.name === 'calico-node');
  if (i < 0) state.objects.push(ds); else state.objects[i] = ds;
}

export function applyObjects(state, objs, { serverSide = false, manager = 'kubectl-client-side-apply', source = '-' } = {}) {
  const out = [];
  state.objects ??= [];
  state.managed ??= {};
  for (const o of objs) {
    if (!o?.kind || !o?.apiVersion || !o?.metadata?.name) { out.push({ error: 'error: error validating data: [apiVersion not set, kind not set]' }); continue; }
    if (!served(state, o.apiVersion, o.kind)) {
      out.push({ error: `error: resource mapping not found for name: "${o.metadata.name}" namespace: "${o.metadata.namespace ?? ''}" from "${source}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first` });
      continue;
    }
    if (o.apiVersion.startsWith('metallb.io/') && o.kind !== 'CustomResourceDefinition' && condition(state, 'deployment/controller', 'metallb-system')[0] !== true) {
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
  operate(state);
  return out;
}

/** The CNI configuration each install-cni would write on a node: {file, content}, from the CNI DaemonSets. */
export function cniConfigs(state) {
  const out = [];
  for (const ds of (state.objects ?? []).filter((o) => o.kind === 'DaemonSet' && o.metadata.annotations?.['lab.provision/cni-file'])) {
    const a = ds.metadata.annotations;
    let content = a['lab.provision/cni-content'];
    if (!content && a['lab.provision/cni-from']) {
      const [ns, cm, k] = a['lab.provision/cni-from'].split('/');
      content = find(state, 'ConfigMap', ns, cm)?.data?.[k];
    }
    if (content) out.push({ file: a['lab.provision/cni-file'], content });
  }
  return out;
}


const labelsMatch = (selector, labels) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

/**
 * What `kubectl drain` meets on a cordoned node: DaemonSet pods need --ignore-daemonsets; each other pod is evicted
 * unless a PodDisruptionBudget selecting it allows no disruption (maxUnavailable 0, or minAvailable ≥ replicas):
 * then the eviction API answers 429 and kubectl retries until its --timeout.
 */
export function drainCheck(state, node, ignoreDaemonsets) {
  const pods = podList(state).items.filter((p) => p.spec.nodeName === node.name);
  const owners = (state.objects ?? []).filter((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment');
  const ownerOf = (p) => owners.find((o) => p.metadata.name === `${o.metadata.name}-${node.name}` && (o.metadata.namespace ?? 'default') === p.metadata.namespace);
  const daemon = pods.filter((p) => p.metadata.name === `kube-proxy-${node.name}` || ownerOf(p)?.kind === 'DaemonSet');
  if (daemon.length && !ignoreDaemonsets) return { code: 400, error: `cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}` };
  const evicted = [];
  for (const p of pods) {
    const o = ownerOf(p);
    if (!o || o.kind !== 'Deployment') continue;
    const labels = o.spec?.template?.metadata?.labels ?? {};
    const replicas = o.spec?.replicas ?? 1;
    const pdb = (state.objects ?? []).find((b) => b.kind === 'PodDisruptionBudget' && (b.metadata.namespace ?? 'default') === p.metadata.namespace && labelsMatch(b.spec?.selector, labels));
    const blocked = pdb && (pdb.spec?.maxUnavailable === 0 || (typeof pdb.spec?.minAvailable === 'number' && pdb.spec.minAvailable >= replicas));
    if (blocked) return { code: 429, error: `Cannot evict pod as it would violate the pod's disruption budget.`, pod: `${p.metadata.namespace}/${p.metadata.name}` };
    evicted.push(`${p.metadata.namespace}/${p.metadata.name}`);
  }
  return { evicted };
}
