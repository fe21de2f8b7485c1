// Generates an N-host inventory on a /20 (3 control planes behind a kube-vip VIP, the rest workers) for the bench.
export function generateInventory(n) {
  if (!(n >= 4 && n <= 4000)) throw new Error(`bench inventory size ${n} must be 4-4000`);
  const addr = (i) => `10.8.${Math.floor(i / 250)}.${(i % 250) + 2}`; // skip .0/.1 of each /24 block
  const hosts = [];
  for (let i = 0; i < n; i++) {
    const role = i < 3 ? 'control-plane' : 'worker';
    const name = i < 3 ? `cp-${i + 1}` : `worker-${String(i - 2).padStart(3, '0')}`;
    hosts.push(`  ${name}: { address: ${addr(i + 10)}, role: ${role}, arch: amd64 }`);
  }
  return [
    `cluster: { name: gen${n}, kubernetes: "1.32", domain: bench.arpa }`,
    'network:',
    '  nodes: 10.8.0.0/20',
    '  gateway: 10.8.0.1',
    '  pods: 10.244.0.0/16',
    '  services: 10.96.0.0/12',
    '  metallb: { pool: 10.8.15.100-10.8.15.200 }',
    '  api: { mode: kube-vip, address: 10.8.0.5, port: 6443 }',
    '  cni: flannel',
    'ssh: { user: pi, hostKeys: accept-new }',
    'hosts:',
    ...hosts,
    '',
  ].join('\n');
}
