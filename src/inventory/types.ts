// The validated inventory as the rest of the program sees it (schema.ts must produce exactly this shape).
export type Role = 'control-plane' | 'worker' | 'lb';
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

export interface SshSettings {
  user?: string;
  port?: number;
  identityFile?: string;
  proxyJump?: string;
  hostKeys?: HostKeyPolicy;
}

export interface Host {
  name: string; // RFC 1123 label, validated
  address: string; // IPv4, on network.nodes
  mac?: string; // lower-case aa:bb:cc:dd:ee:ff
  role: Role;
  arch?: 'amd64' | 'arm64' | 'armhf';
  board?: 'raspberry-pi' | 'generic';
  ssh?: SshSettings;
  vars?: Record<string, unknown>;
  labels?: Record<string, string>;
  /** The host's own services the firewall must let in (NFS, Prometheus...), besides its role's ports. */
  firewall?: { extraPorts: ExtraPort[] };
}

/** An extra port the host accepts: "2049" or "9000-9100", tcp or udp, from anywhere or one CIDR. */
export interface ExtraPort {
  ports: string;
  proto: 'tcp' | 'udp';
  from?: string;
}

export interface IpRange {
  first: string;
  last: string;
}

export interface Network {
  nodes: string; // CIDR
  gateway: string;
  dhcp?: IpRange;
  pods: string; // CIDR
  services: string; // CIDR
  metallb?: { pool: IpRange[]; route?: string[] }; // pool normalised to ranges (from range, CIDR or list)
  api: { mode: 'kube-vip' | 'haproxy'; address: string; port: number; name?: string; metricsPort?: number };
  cni: 'flannel' | 'calico' | 'none';
  calico?: { encapsulation?: CalicoEncapsulation };
  flannel?: { backend: 'vxlan' | 'host-gw' | 'wireguard' };
  /** announcer: who announces the MetalLB pool (MetalLB's speaker, or Calico with the speaker off). */
  bgp?: { routerAsn: number; clusterAsn: number; peer: string; announcer: 'metallb' | 'calico' };
}

export type CalicoEncapsulation = 'None' | 'IPIP' | 'VXLAN' | 'IPIPCrossSubnet' | 'VXLANCrossSubnet';

export interface Addons {
  /** A directory or http(s) URL serving the artifacts by file name. */
  mirror?: string;
}

export interface Cluster {
  name: string;
  kubernetes: string; // "1.32"
  domain?: string;
  /** Apt mirror override for the Kubernetes packages (the lab uses it). */
  packages?: { url?: string; key?: string };
}

export interface Inventory {
  /** Absolute path of the file this came from. */
  file: string;
  cluster: Cluster;
  network: Network;
  ssh: SshSettings;
  addons?: Addons;
  /** In file order. */
  hosts: Host[];
}
