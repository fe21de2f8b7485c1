// known_hosts parsing and key judgement from data, including hashed entries made here with HMAC-SHA1.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  matchWildcard,
  checkHostKey,
  entryMatches,
  fingerprint,
  formatKnownHostsLine,
  keyTypeOfBlob,
  knownHostsName,
  parseKnownHosts,
} from '../../../src/transport/known-hosts.js';

const K1 = Buffer.from('key-one').toString('base64');
const K2 = Buffer.from('key-two').toString('base64');
const K3 = Buffer.from('key-three').toString('base64');

function hashedLine(name: string, type: string, key: string): string {
  const salt = randomBytes(20);
  const hmac = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hmac.toString('base64')} ${type} ${key}`;
}

const FILE = [
  '# comment',
  '',
  `10.4.0.11 ssh-ed25519 ${K1}`,
  `k8s-cp-01,10.4.0.12 ssh-ed25519 ${K2}`,
  `[10.4.0.13]:2222 ssh-ed25519 ${K1}`,
  `10.4.1.* ssh-ed25519 ${K3}`,
  `10.4.2.*,!10.4.2.9 ssh-ed25519 ${K3}`,
  `node-?? ecdsa-sha2-nistp256 ${K1}`,
  hashedLine('10.4.0.20', 'ssh-ed25519', K2),
  hashedLine('[10.4.0.21]:2200', 'ssh-ed25519', K2),
  `@revoked * ssh-ed25519 ${K3}`,
  `@cert-authority *.lab ssh-ed25519 ${K1}`,
  'garbage',
  `10.4.0.30 ssh-rsa ${K1}`,
].join('\n');

describe('parseKnownHosts', () => {
  const parsed = parseKnownHosts(FILE, '/home/u/.ssh/known_hosts');
  it('keeps entries with their line numbers and notes the lines it skips', () => {
    expect(parsed.entries.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 14]);
    expect(parsed.entries[1]?.patterns).toEqual(['k8s-cp-01', '10.4.0.12']);
    expect(parsed.entries[8]?.marker).toBe('revoked');
    expect(parsed.notes).toHaveLength(2);
    expect(parsed.notes[0]).toMatch(/known_hosts:12: @cert-authority/);
    expect(parsed.notes[1]).toMatch(/known_hosts:13: not a known_hosts entry/);
  });

  const cases: { name: string; host: string; port?: number; type?: string; key: string; want: string; line?: number }[] = [
    { name: 'plain match', host: '10.4.0.11', key: K1, want: 'known', line: 3 },
    { name: 'plain, different key → changed', host: '10.4.0.11', key: K2, want: 'changed', line: 3 },
    { name: 'comma list, second name', host: '10.4.0.12', key: K2, want: 'known', line: 4 },
    { name: 'comma list, first name', host: 'K8S-CP-01', key: K2, want: 'known', line: 4 },
    { name: 'bracketed port', host: '10.4.0.13', port: 2222, key: K1, want: 'known', line: 5 },
    { name: 'bracketed entry does not match port 22', host: '10.4.0.13', key: K1, want: 'unknown' },
    { name: 'plain entry does not match another port', host: '10.4.0.11', port: 2222, key: K1, want: 'unknown' },
    { name: 'wildcard *', host: '10.4.1.77', key: K3, want: 'revoked' },
    { name: 'wildcard ?', host: 'node-07', type: 'ecdsa-sha2-nistp256', key: K1, want: 'known', line: 8 },
    { name: 'wildcard ? needs exactly one char', host: 'node-7', type: 'ecdsa-sha2-nistp256', key: K1, want: 'unknown' },
    { name: 'negation excludes', host: '10.4.2.9', key: K2, want: 'unknown' },
    { name: 'negation list still matches others', host: '10.4.2.8', key: K2, want: 'changed', line: 7 },
    { name: 'hashed entry', host: '10.4.0.20', key: K2, want: 'known', line: 9 },
    { name: 'hashed entry, changed key', host: '10.4.0.20', key: K1, want: 'changed', line: 9 },
    { name: 'hashed entry with port', host: '10.4.0.21', port: 2200, key: K2, want: 'known', line: 10 },
    { name: 'hashed entry, other host', host: '10.4.0.22', key: K2, want: 'unknown' },
    { name: '@revoked beats a match', host: '10.4.0.99', key: K3, want: 'revoked', line: 11 },
    { name: 'only another type pinned', host: '10.4.0.30', key: K2, want: 'other-type', line: 14 },
    { name: 'cert-authority lines are ignored', host: 'x.lab', key: K1, want: 'unknown' },
  ];
  it.each(cases)('$name', (c) => {
    const r = checkHostKey(parsed.entries, knownHostsName(c.host, c.port), { type: c.type ?? 'ssh-ed25519', base64: c.key });
    expect(r.status).toBe(c.want);
    if (c.line !== undefined && r.status !== 'unknown') expect(r.entry.line).toBe(c.line);
  });
});

describe('formatKnownHostsLine', () => {
  it.each([22, 2222])('a hashed pin (port %i) matches its own name and no other', (port) => {
    const name = knownHostsName('10.4.0.40', port);
    const line = formatKnownHostsLine({ name, type: 'ssh-ed25519', base64: K1, hashed: true });
    expect(line).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /);
    expect(line).not.toContain('10.4.0.40');
    const entry = parseKnownHosts(line, 'f').entries[0]!;
    expect(entryMatches(entry, name)).toBe(true);
    expect(entryMatches(entry, knownHostsName('10.4.0.41', port))).toBe(false);
  });
  it('a plain pin is the name, type and key', () => {
    expect(formatKnownHostsLine({ name: '[h]:2222', type: 'ssh-ed25519', base64: K1, hashed: false })).toBe(`[h]:2222 ssh-ed25519 ${K1}`);
  });
});

describe('key blobs', () => {
  it('reads the type from the wire format and fingerprints like OpenSSH', () => {
    const type = 'ssh-ed25519';
    const body = Buffer.alloc(32, 7);
    const blob = Buffer.concat([u32(type.length), Buffer.from(type), u32(body.length), body]);
    expect(keyTypeOfBlob(blob)).toBe(type);
    expect(() => keyTypeOfBlob(Buffer.from([0, 0, 9, 0]))).toThrow();
    // ssh-keygen -lf prints SHA256 of the blob, base64 without padding
    expect(fingerprint(blob.toString('base64'))).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe('matchWildcard', () => {
  it('matches as OpenSSH does: * any run, ? one character, whole name, any case', () => {
    expect(matchWildcard('*.lan', 'node1.LAN')).toBe(true);
    expect(matchWildcard('node?', 'node1')).toBe(true);
    expect(matchWildcard('node?', 'node12')).toBe(false);
    expect(matchWildcard('10.4.0.*', '10.4.0.10')).toBe(true);
    expect(matchWildcard('10.4.0.*', '10.4.10.1')).toBe(false);
    expect(matchWildcard('*', '')).toBe(true);
    expect(matchWildcard('', '')).toBe(true);
    expect(matchWildcard('', 'a')).toBe(false);
    expect(matchWildcard('a*b*c', 'aXbYbZc')).toBe(true);
    expect(matchWildcard('a*b*c', 'aXbYbZ')).toBe(false);
    expect(matchWildcard('a.c', 'abc')).toBe(false); // a dot is a dot
    expect(matchWildcard('[a]', '[a]')).toBe(true); // no character classes
  });

  it('agrees with a regular-expression reading of the same pattern on every small pattern and name', () => {
    const oracle = (p: string, s: string) =>
      new RegExp(`^${p.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's').test(s.toLowerCase());
    const words = (alphabet: string, max: number): string[] => {
      const out = [''];
      for (let i = 0, n = 0; n < max; n++) {
        const end = out.length;
        for (; i < end; i++) for (const c of alphabet) out.push(out[i] + c);
      }
      return out;
    };
    const patterns = words('a*?B', 4);
    const names = words('abA', 4);
    for (const p of patterns) for (const s of names) expect(matchWildcard(p, s), `${p} ~ ${s}`).toBe(oracle(p, s));
  });
});
