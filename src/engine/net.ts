// Tiny IPv4 helpers the engine needs (the first address of network.nodes, for the primary-interface probe).

/** 192.168.1.0/24 → 192.168.1.1; undefined for anything that is not an IPv4 CIDR. */
export function firstAddress(cidr: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const ip = octets.reduce((a, o) => a * 256 + o, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const first = ((ip & mask) >>> 0) + (bits >= 31 ? 0 : 1);
  return [24, 16, 8, 0].map((s) => (first >>> s) & 255).join('.');
}
