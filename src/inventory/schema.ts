// The inventory file format as one zod schema: validates the YAML value and produces the Inventory shape.
import { z } from 'zod';
import * as p from './schema-parts.js';
import type { Addons, Cluster, Host, Network, SshSettings } from './types.js';

/** The API endpoint name used in /etc/hosts and certificates when the inventory does not set one. */
export const DEFAULT_API_NAME = 'k8s-api';

const hostKeys = z.enum(['strict', 'accept-new', 'off']);

const sshFields = {
  user: p.userName.optional(),
  port: p.port.optional(),
  identityFile: p.safeText.optional(),
  proxyJump: p.proxyJump.optional(),
};

const hostSsh = z.strictObject({ ...sshFields, hostKeys: hostKeys.optional() }).describe('per-host SSH overrides');
// No defaults here: what the inventory leaves out comes from the user's ssh_config (as `ssh` would), then OpenSSH's defaults.
const ssh = z
  .strictObject({ ...sshFields, hostKeys: hostKeys.optional() })
  .describe('how to reach the hosts: user, port, identityFile, proxyJump, hostKeys (strict | accept-new | off; unset: StrictHostKeyChecking from ssh_config, else accept-new)');

const host = z
  .strictObject({
    address: p.ipv4.describe('IPv4 address on network.nodes'),
    mac: p.mac.optional().describe('MAC address (quoted), e.g. for DHCP reservations'),
    role: z.enum(['control-plane', 'worker', 'lb']),
    arch: z.enum(['amd64', 'arm64', 'armhf']).optional(),
    board: z.enum(['raspberry-pi', 'generic']).optional(),
    ssh: hostSsh.optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    labels: p.labels.optional(),
    firewall: z.strictObject({
      extraPorts: z.array(p.extraPort).default([]).describe('ports of the host\'s own services to accept: "2049/tcp", "5353/udp", or { port, proto, from }'),
    }).optional().describe('per-host firewall additions (the role\'s ports are always open)'),
  })
  .describe('one machine; the key is its name (an RFC 1123 label)');

/** Names are checked on the keys (positions point at the key); file order is kept. */
const hosts = z
  .record(z.string(), host)
  .meta({ propertyNames: { pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' } })
  .superRefine((value, ctx) => {
    for (const name of Object.keys(value)) {
      const r = p.hostName.safeParse(name);
      if (!r.success) for (const iss of r.error.issues) ctx.addIssue({ ...iss, code: 'custom', path: [name], params: { ...(iss as { params?: object }).params, at: 'key' } } as never);
    }
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'no hosts: list at least one control-plane' })
  .transform((value): Host[] => Object.entries(value).map(([name, h]) => ({ name, ...h })))
  .describe('the machines, by name, in the order they should be handled');

const cluster = z.strictObject({
  name: p.hostName,
  kubernetes: p.kubernetesVersion,
  domain: p.dnsName.optional(),
  packages: z.strictObject({ url: p.safeText.optional(), key: p.safeText.optional() }).optional()
    .describe('apt mirror override for Kubernetes packages (env PROVISION_PACKAGES_URL / PROVISION_PACKAGES_KEY win)'),
});

const network = z.strictObject({
  nodes: p.cidr.describe('the LAN the nodes sit on'),
  gateway: p.ipv4,
  dhcp: p.rangeText.optional().describe("the router's dynamic range, a.b.c.d-e.f.g.h"),
  pods: p.cidr,
  services: p.cidr,
  metallb: z.strictObject({
    pool: p.pool.describe('a range, a CIDR or a list of them'),
    route: p.cidrList.optional().describe('CIDRs routed to the pool on the nodes'),
  }).optional(),
  api: z.strictObject({
    mode: z.enum(['kube-vip', 'haproxy']),
    address: p.ipv4.describe('the kube-vip VIP, or the address of the lb host running HAProxy'),
    port: p.port.default(6443),
    name: p.dnsName.default(DEFAULT_API_NAME).describe(`endpoint DNS name (default ${DEFAULT_API_NAME})`),
    metricsPort: p.port.optional().describe('haproxy mode: serve HAProxy\'s Prometheus metrics (/metrics) on this port of the lb host, e.g. 8405'),
  }),
  cni: z.enum(['flannel', 'calico', 'none']),
  calico: z.strictObject({
    encapsulation: z.enum(['None', 'IPIP', 'VXLAN', 'IPIPCrossSubnet', 'VXLANCrossSubnet']).optional()
      .describe("the IP pool's encapsulation (Calico operator Installation enum); default None with network.bgp, else VXLANCrossSubnet"),
  }).optional().describe('Calico settings (network.cni: calico)'),
  flannel: z.strictObject({
    backend: z.enum(['vxlan', 'host-gw', 'wireguard']).default('vxlan').describe("flannel's net-conf Backend.Type"),
  }).optional().describe('flannel settings (network.cni: flannel)'),
  bgp: z.strictObject({
    routerAsn: p.asn,
    clusterAsn: p.asn,
    peer: p.ipv4,
    announcer: z.enum(['metallb', 'calico']).default('metallb')
      .describe("who announces the MetalLB pool to the router: MetalLB's speaker (BGPPeer), or Calico (serviceLoadBalancerIPs; MetalLB's speaker off)"),
  }).optional(),
});

const addons = z.strictObject({
  mirror: p.safeText.optional().describe('a directory or http(s) URL holding the add-on artifacts by file name, for air-gapped clusters (env PROVISION_ADDONS_MIRROR wins)'),
}).describe('where the pinned upstream add-on manifests (Calico, flannel, MetalLB) come from');

export const inventorySchema = z.strictObject({
  cluster,
  network,
  ssh: ssh.default({}),
  addons: addons.optional(),
  hosts,
});

export type InventoryInput = z.input<typeof inventorySchema>;
type Parsed = z.output<typeof inventorySchema>;

// Compile-time check that the schema produces the contract in types.ts (defaults may make fields always set).
type Fits<A, B> = [A] extends [B] ? true : false;
const shapeMatches: [Fits<Parsed['cluster'], Cluster>, Fits<Parsed['network'], Network>, Fits<Parsed['ssh'], SshSettings>, Fits<Parsed['hosts'], Host[]>, Fits<Parsed['addons'], Addons | undefined>] = [true, true, true, true, true];
void shapeMatches;
