// The verbs of the CLI: adding one is a line here plus its file src/cli/VERB.ts (exporting `spec` or `specs`, and `run`).
export interface VerbEntry {
  summary: string;
  /** Takes --json: errors are then printed as {"error":{...}} on stdout. */
  json?: boolean;
}

export const VERBS: Record<string, VerbEntry> = {
  lint: { summary: 'check the inventory and its network plan offline', json: true },
  diagram: { summary: 'print the network plan as a Mermaid flowchart' },
  run: { summary: 'run any playbook against the inventory', json: true },
  up: { summary: 'build or converge the whole cluster (playbooks/up.yaml)', json: true },
  join: { summary: 'add one worker or control plane that is in the inventory', json: true },
  render: { summary: 'write every file and manifest up would put on each host, without connecting' },
  preflight: { summary: 'check the plan against the live hosts (read-only): addresses, ARP, clocks, identities...', json: true },
  verify: { summary: 'check, from every node, what the cluster depends on', json: true },
  status: { summary: 'show the cluster at a glance: nodes, versions, API endpoint, etcd, certificate expiry', json: true },
  upgrade: { summary: 'move the cluster to the next Kubernetes minor, node by node (resumable)', json: true },
  remove: { summary: 'take one worker or control plane out of the cluster and clean its host', json: true },
  reset: { summary: 'tear the whole cluster down to hosts a fresh up builds again (--yes)', json: true },
  backup: { summary: 'copy an etcd snapshot and the PKI to the laptop (0600, with its sha256)', json: true },
  restore: { summary: "put the cluster back to a backup, the kubeadm way (stacked etcd)", json: true },
  certs: { summary: "check or renew kubeadm's certificates on the control planes", json: true },
  facts: { summary: 'print the facts provision reads from hosts', json: true },
  ping: { summary: 'reach every host and become root there, as a run does (changes nothing)', json: true },
  persist: { summary: 'show or close the SSH connections kept between runs (--persist)', json: true },
  'ssh-config': { summary: "print the SSH settings provision uses for a host (like 'ssh -G'; no connection)", json: true },
  lab: { summary: 'the dress-rehearsal lab: the inventory as real SSH hosts in network namespaces' },
};

export const isVerb = (name: string): boolean => Object.hasOwn(VERBS, name);
