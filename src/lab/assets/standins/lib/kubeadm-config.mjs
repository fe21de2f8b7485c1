// Reads and validates kubeadm configuration files the way kubeadm does (apiVersion, kind, endpoint, subnets).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

const KUBEADM_VERSIONS = ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'];
const KINDS = { 'kubeadm.k8s.io': ['InitConfiguration', 'ClusterConfiguration', 'JoinConfiguration', 'ResetConfiguration', 'UpgradeConfiguration'], 'kubelet.config.k8s.io': ['KubeletConfiguration'], 'kubeproxy.config.k8s.io': ['KubeProxyConfiguration'] };

export class ConfigError extends Error {}

function validCidrs(v) {
  return String(v).split(',').every((c) => {
    const [a, p] = c.trim().split('/');
    return isIP(a) !== 0 && p !== undefined && /^\d+$/.test(p) && Number(p) <= (isIP(a) === 4 ? 32 : 128);
  });
}

export function validEndpoint(ep) {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(String(ep));
  if (!m) return false;
  const host = m[1].replace(/^\[|\]$/g, '');
  if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return false;
  return isIP(host) !== 0 || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(host);
}

/** Parses a multi-document kubeadm config into {InitConfiguration, ClusterConfiguration, JoinConfiguration, ...}. */
export async function loadConfig(file) {
  const { parseAllDocuments } = await import('yaml');
  let text;
  try { text = readFileSync(file, 'utf8'); } catch { throw new ConfigError(`unable to read config from "${file}" : open ${file}: no such file or directory`); }
  const out = {};
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length) throw new ConfigError(`error converting YAML to JSON: ${d.errors[0].message}`);
    const doc = d.toJS();
    if (!doc) continue;
    const av = doc.apiVersion;
    const kind = doc.kind;
    if (!av || !kind) throw new ConfigError(`invalid configuration: kind and apiVersion is mandatory information that must be specified`);
    const group = String(av).split('/')[0];
    if (group === 'kubeadm.k8s.io' && !KUBEADM_VERSIONS.includes(av)) throw new ConfigError(`no kind "${kind}" is registered for version "${av}" in scheme "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"`);
    if (!KINDS[group]?.includes(kind)) throw new ConfigError(`no kind "${kind}" is registered for version "${av}"`);
    out[kind] = doc;
  }
  const cc = out.ClusterConfiguration;
  if (cc) {
    if (cc.controlPlaneEndpoint !== undefined && !validEndpoint(cc.controlPlaneEndpoint)) throw new ConfigError(`controlPlaneEndpoint: Invalid value: "${cc.controlPlaneEndpoint}": must be a valid DNS name or IP address, with an optional port`);
    const n = cc.networking ?? {};
    if (n.podSubnet !== undefined && !validCidrs(n.podSubnet)) throw new ConfigError(`networking.podSubnet: Invalid value: "${n.podSubnet}": couldn't parse subnet`);
    if (n.serviceSubnet !== undefined && !validCidrs(n.serviceSubnet)) throw new ConfigError(`networking.serviceSubnet: Invalid value: "${n.serviceSubnet}": couldn't parse subnet`);
    if (n.serviceSubnet && Number(String(n.serviceSubnet).split('/')[1]) < 12) throw new ConfigError(`networking.serviceSubnet: Invalid value: "${n.serviceSubnet}": specified service subnet is too large; for 32-bit addresses, the mask must be >= 12`);
  }
  const jc = out.JoinConfiguration;
  if (jc) {
    const bt = jc.discovery?.bootstrapToken;
    if (!bt && !jc.discovery?.file) throw new ConfigError('discovery: Invalid value: "": bootstrapToken or file must be set');
    if (bt && !/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(String(bt.token ?? ''))) throw new ConfigError(`discovery.bootstrapToken.token: Invalid value: "<redacted>": the bootstrap token is invalid`);
    if (bt && !validEndpoint(bt.apiServerEndpoint ?? '')) throw new ConfigError(`discovery.bootstrapToken.apiServerEndpoint: Invalid value: "${bt.apiServerEndpoint ?? ''}"`);
    if (bt && !bt.unsafeSkipCAVerification && !(bt.caCertHashes ?? []).length) throw new ConfigError('discovery.bootstrapToken.caCertHashes: Invalid value: []: using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue');
  }
  return out;
}
