// kubeadm certs check-expiration's table (as kubeadm v1.30+ prints it) → dates, the earliest, the 30-day warning.
import { describe, expect, it } from 'vitest';
import { expiryLine, parseCheckExpiration, parseKubeadmDate, summarizeExpiry } from '../../../src/cluster/cert-expiry.js';

const OUTPUT = `[check-expiration] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...
[check-expiration] Use 'kubeadm init phase upload-config --config your-config-file' to re-upload it.

CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
admin.conf                 Aug 19, 2026 09:03 UTC   360d            ca                      no      
apiserver                  Aug 19, 2026 09:03 UTC   360d            ca                      no      
apiserver-etcd-client      Aug 09, 2026 09:03 UTC   350d            etcd-ca                 no      
front-proxy-client         Aug 19, 2026 09:03 UTC   360d            front-proxy-ca          yes     

CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED
ca                      Aug 17, 2035 09:03 UTC   9y              no      
etcd-ca                 Aug 17, 2035 09:03 UTC   9y              no      
`;

describe('parseCheckExpiration', () => {
  it('reads both tables, with authorities and externally managed marked', () => {
    const c = parseCheckExpiration(OUTPUT);
    expect(c.map((x) => x.name)).toEqual(['admin.conf', 'apiserver', 'apiserver-etcd-client', 'front-proxy-client', 'ca', 'etcd-ca']);
    expect(c.find((x) => x.name === 'apiserver')).toEqual({ name: 'apiserver', expires: '2026-08-19T09:03:00.000Z', authority: false, externallyManaged: false });
    expect(c.find((x) => x.name === 'front-proxy-client')!.externallyManaged).toBe(true);
    expect(c.find((x) => x.name === 'ca')!.authority).toBe(true);
  });

  it('refuses output with no rows (an error message, a changed format) instead of reporting no certificates', () => {
    expect(() => parseCheckExpiration('error execution phase check-expiration: failed to load admin kubeconfig\n')).toThrow(/no certificate rows/);
  });

  it('parses only kubeadm\'s date layout', () => {
    expect(parseKubeadmDate('Jan 02, 2006 15:04 UTC')?.toISOString()).toBe('2006-01-02T15:04:00.000Z');
    expect(parseKubeadmDate('2006-01-02 15:04')).toBeUndefined();
    expect(parseKubeadmDate('Foo 02, 2006 15:04 UTC')).toBeUndefined();
  });
});

describe('summarizeExpiry', () => {
  const certs = parseCheckExpiration(OUTPUT);
  it('finds the earliest and warns inside 30 days', () => {
    const far = summarizeExpiry(certs, new Date('2026-01-01T00:00:00Z'));
    expect(far.earliest.name).toBe('apiserver-etcd-client');
    expect(far.soon).toEqual([]);
    expect(expiryLine('cp', far)).toMatch(/^cp: earliest apiserver-etcd-client expires 2026-08-09/);
    const near = summarizeExpiry(certs, new Date('2026-07-25T00:00:00Z'));
    expect(near.daysLeft).toBe(15);
    expect(near.soon.map((c) => c.name)).toEqual(['apiserver-etcd-client', 'admin.conf', 'apiserver', 'front-proxy-client']);
    expect(expiryLine('cp', near)).toMatch(/WARNING certificates expire within 30 days: .*provision certs renew/);
  });
  it('calls an expired certificate expired', () => {
    const past = summarizeExpiry(certs, new Date('2026-08-12T00:00:00Z'));
    expect(past.daysLeft).toBeLessThan(0);
    expect(expiryLine('cp', past)).toMatch(/EXPIRED/);
  });
});
