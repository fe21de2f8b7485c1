// Reads `kubeadm certs check-expiration` (its text table) into dates, and decides which certificates need a warning.

export interface CertExpiry {
  name: string;
  /** ISO time the certificate stops being valid. */
  expires: string;
  authority: boolean;
  externallyManaged: boolean;
}

/** The warning window the issue and kubeadm's own docs use: renew when fewer than 30 days remain. */
export const WARN_DAYS = 30;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** kubeadm prints "Aug 19, 2026 09:03 UTC" (Go layout "Jan 02, 2006 15:04 MST"); undefined for anything else. */
export function parseKubeadmDate(text: string): Date | undefined {
  const m = /^([A-Z][a-z]{2}) (\d{2}), (\d{4}) (\d{2}):(\d{2}) UTC$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5])));
}

/**
 * Rows of both tables (CERTIFICATE ..., CERTIFICATE AUTHORITY ...). Lines that are not rows (the
 * "[check-expiration] ..." preamble, blank lines, warnings about missing files) are skipped; a table
 * with no parsable row is an error, so a changed kubeadm output cannot pass as "no certificates".
 */
export function parseCheckExpiration(text: string): CertExpiry[] {
  const out: CertExpiry[] = [];
  let inAuthorities = false;
  for (const line of text.split('\n')) {
    if (/^CERTIFICATE AUTHORITY\s+EXPIRES/.test(line)) { inAuthorities = true; continue; }
    if (/^CERTIFICATE\s+EXPIRES/.test(line)) { inAuthorities = false; continue; }
    const m = /^(\S+)\s+([A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} UTC)\s+(\S+)\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const date = parseKubeadmDate(m[2]!);
    if (!date) continue;
    const rest = m[4]!.split(/\s+/);
    out.push({ name: m[1]!, expires: date.toISOString(), authority: inAuthorities, externallyManaged: rest[rest.length - 1] === 'yes' });
  }
  if (out.length === 0) throw new Error('kubeadm certs check-expiration printed no certificate rows');
  return out;
}

export interface ExpirySummary {
  /** The certificate that expires first (leaf or authority). */
  earliest: CertExpiry;
  daysLeft: number;
  /** Certificates with fewer than WARN_DAYS days left (expired ones included). */
  soon: CertExpiry[];
}

export function daysLeft(expires: string, now: Date): number {
  return Math.floor((Date.parse(expires) - now.getTime()) / 86_400_000);
}

export function summarizeExpiry(certs: CertExpiry[], now: Date): ExpirySummary {
  const sorted = [...certs].sort((a, b) => Date.parse(a.expires) - Date.parse(b.expires));
  const earliest = sorted[0]!;
  return { earliest, daysLeft: daysLeft(earliest.expires, now), soon: sorted.filter((c) => daysLeft(c.expires, now) < WARN_DAYS) };
}

/** One line for a control plane: "earliest apiserver in 364d" or a warning naming what to run. */
export function expiryLine(host: string, s: ExpirySummary): string {
  if (s.soon.length === 0) return `${host}: earliest ${s.earliest.name} expires ${s.earliest.expires.slice(0, 10)} (${s.daysLeft}d)`;
  const names = s.soon.map((c) => c.name).join(', ');
  const what = s.daysLeft < 0 ? 'EXPIRED' : `expire within ${WARN_DAYS} days`;
  return `${host}: WARNING certificates ${what}: ${names} (earliest ${s.earliest.expires.slice(0, 10)}); run 'provision certs renew -i INVENTORY'`;
}
