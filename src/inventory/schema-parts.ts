// Validated scalar types of the inventory (addresses, CIDRs, ranges, names), shared by schema.ts.
import { z } from 'zod';
import { cidrToRange, ipToInt, isIpv4, parseCidr } from './ipv4.js';
import type { ExtraPort, IpRange } from './types.js';

/** A finding code other than `schema` travels in the zod issue's params. */
const named = (hint: string) => ({ code: 'invalid-name', hint });

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Host and cluster names: RFC 1123 labels, lower case, not all digits. Nothing a shell could interpret. */
export const hostName = z.string().superRefine((v, ctx) => {
  if (LABEL.test(v) && !/^\d+$/.test(v)) return;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(v)} is not a valid name: use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    params: named("host names are RFC 1123 labels (like 'k8s-worker-01'); they become node names and reach remote shells"),
  });
}).meta({ pattern: LABEL.source });

/** A DNS name: dot-separated RFC 1123 labels (cluster domain, API endpoint name). */
export const dnsName = z.string().superRefine((v, ctx) => {
  if (v.length <= 253 && v.split('.').every((l) => LABEL.test(l))) return;
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a valid DNS name`, params: named('use lower-case labels of letters, digits and -, separated by dots') });
});

/** A POSIX login name for SSH. */
export const userName = z.string().superRefine((v, ctx) => {
  if (/^[a-z_][a-z0-9_-]{0,31}$/.test(v)) return;
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a valid user name`, params: named('lower-case letters, digits, _ and -, starting with a letter or _') });
});

/** Local file paths or ssh destinations: printable, no control characters. */
export const safeText = z.string().min(1).refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { message: 'contains control characters' });

const JUMP_HOP = /^(?:ssh:\/\/)?(?:[A-Za-z0-9._-]+@)?(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** ssh's ProxyJump: `none`, or comma-separated `[user@]host[:port]` hops (`[v6]:port` for IPv6). Checked here so lint catches it. */
export const proxyJump = safeText.superRefine((v, ctx) => {
  if (v.trim().toLowerCase() === 'none') return;
  for (const hop of v.split(',').map((h) => h.trim())) {
    const m = JUMP_HOP.exec(hop);
    const port = m?.[1] === undefined ? 1 : Number(m[1]);
    if (m && port >= 1 && port <= 65535) continue;
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(hop)} is not a ProxyJump hop`, params: { hint: "write [user@]host[:port], several separated by commas (e.g. 'pi@bastion:2222,gw'), or none" } });
    return;
  }
});

export const ipv4 = z.string().refine(isIpv4, { message: 'not an IPv4 address (expected a.b.c.d)' }).meta({ format: 'ipv4' });

export const cidr = z.string().superRefine((v, ctx) => {
  const p = parseCidr(v);
  if (!p) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an IPv4 CIDR (expected a.b.c.d/n)` });
  else if (p.canonical !== v.trim()) ctx.addIssue({ code: 'custom', message: `${v} has host bits set`, params: { hint: `did you mean ${p.canonical}?` } });
}).meta({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$' });

export const mac = z
  .string()
  .regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, { message: 'not a MAC address (expected aa:bb:cc:dd:ee:ff, quoted)' })
  .transform((v) => v.toLowerCase());

/** "first-last" (spaces allowed around '-'), checked and ordered. */
export const rangeText = z.string().transform((v, ctx): IpRange => {
  const m = /^\s*([\d.]+)\s*-\s*([\d.]+)\s*$/.exec(v);
  if (!m || !isIpv4(m[1]!) || !isIpv4(m[2]!)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an address range (expected a.b.c.d-e.f.g.h)` });
    return z.NEVER;
  }
  if (ipToInt(m[1]!) > ipToInt(m[2]!)) {
    ctx.addIssue({ code: 'custom', message: `range ${v} ends before it starts` });
    return z.NEVER;
  }
  return { first: m[1]!, last: m[2]! };
});

/** One pool entry: a range, a CIDR, or a single address. */
const poolEntry = z.string().transform((v, ctx): IpRange => {
  if (v.includes('/')) {
    const p = parseCidr(v);
    if (p) return cidrToRange(p.canonical);
  } else if (v.includes('-')) {
    const r = rangeText.safeParse(v);
    if (r.success) return r.data;
    for (const iss of r.error.issues) ctx.addIssue({ code: 'custom', message: iss.message });
    return z.NEVER;
  } else if (isIpv4(v.trim())) return { first: v.trim(), last: v.trim() };
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a range, CIDR or address` });
  return z.NEVER;
});

/** metallb.pool: a range, a CIDR, or a list of them → IpRange[]. */
export const pool = z.union([poolEntry.transform((r) => [r]), z.array(poolEntry).min(1)]);

/** A CIDR or a list of CIDRs → string[]. */
export const cidrList = z.union([cidr.transform((c) => [c]), z.array(cidr)]);

export const asn = z.number().int().min(1).max(4294967295);
export const port = z.number().int().min(1).max(65535);

const portSpec = z.string().regex(/^\d{1,5}(-\d{1,5})?$/, { message: 'expected a port or a range like 8000-8100' }).refine((v) => {
  const [a, b = a] = v.split('-').map(Number);
  return a! >= 1 && b! <= 65535 && a! <= b!;
}, { message: 'ports are 1-65535 and a range must not end before it starts' });

/** One extra port a host accepts: "2049", "5353/udp", "9000-9100/tcp", or { port, proto, from }. */
export const extraPort = z.union([
  z.string().regex(/^\d{1,5}(-\d{1,5})?(\/(tcp|udp))?$/, { message: 'expected PORT[-PORT][/tcp|/udp], e.g. "2049/tcp"' })
    .transform((v, ctx): ExtraPort => {
      const [ports, proto = 'tcp'] = v.split('/');
      const r = portSpec.safeParse(ports);
      if (!r.success) {
        for (const iss of r.error.issues) ctx.addIssue({ code: 'custom', message: iss.message });
        return z.NEVER;
      }
      return { ports: ports!, proto: proto as 'tcp' | 'udp' };
    }),
  z.strictObject({
    port: z.union([port.transform(String), portSpec]),
    proto: z.enum(['tcp', 'udp']).default('tcp'),
    from: cidr.optional().describe('accept only from this CIDR (default: from anywhere)'),
  }).transform((o): ExtraPort => ({ ports: o.port, proto: o.proto, ...(o.from ? { from: o.from } : {}) })),
]);

/** Kubernetes label keys and values (they reach kubectl). */
export const labels = z.record(
  z.string().regex(/^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { message: 'not a Kubernetes label key' }),
  z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/, { message: 'not a Kubernetes label value (63 chars of letters, digits, - _ .)' }),
);

export const kubernetesVersion = z
  .string({ error: (iss) => (iss.input === undefined ? undefined : 'must be a quoted string such as "1.32" (YAML reads 1.30 as the number 1.3)') })
  .regex(/^1\.\d{1,2}(\.\d{1,3})?$/, { message: 'expected a Kubernetes minor version such as "1.32"' });
