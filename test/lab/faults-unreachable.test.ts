// Issue 8 item 3: a host whose link is down and one behind a TCP blackhole fail within the connect timeout
// while the others converge; --max-fail 1 leaves the hosts not yet started untouched (checked inside them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultLab, labReason } from './faults-support.js';

const reason = labReason('faults: unreachable hosts');
const lab = faultLab(`fu${process.pid % 10000}`, 'inventory/goldentooth.yaml', 'metallb-unrouted,asn-reserved');
const PLAYBOOK = 'test/fixtures/playbooks/generic.yaml';
const HOSTS = ['allyrion', 'bettley', 'cargyll', 'dalt', 'erenford', 'fenn', 'gardener', 'harlton', 'inchfield', 'jast', 'karstark', 'lipps', 'velaryon'];
const LINK_DOWN = 'fenn';
const BLACKHOLE = 'gardener';
const MOTD = 'provisioned by provision'; // (lab exec output loses its final newline)
const motd = (h: string) => lab.inHost(h, 'cat /etc/motd 2>/dev/null || true');

describe.skipIf(reason !== '')('faults: unreachable hosts (goldentooth lab, 13 hosts)', () => {
  beforeAll(async () => {
    await lab.up();
    await lab.inHost(LINK_DOWN, 'ip link set eth0 down');
    // TCP to port 22 vanishes without an answer: the SYN is dropped, nothing is refused.
    await lab.inHost(BLACKHOLE, 'nft add table inet fault && nft add chain inet fault in "{ type filter hook input priority -10; }" && nft add rule inet fault in tcp dport 22 drop');
  });
  afterAll(() => lab.down());

  it('the two broken hosts fail within --connect-timeout 3 (not one timeout per retry)', async () => {
    const started = Date.now();
    const r = await lab.runJson(['run', PLAYBOOK], ['--limit', `${LINK_DOWN},${BLACKHOLE}`, '--connect-timeout', '3']);
    const ms = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.json.hosts[BLACKHOLE]).toMatchObject({ failed: 1, unreachable: true });
    // The reason, then what to check (the transport's hint).
    expect(r.json.hosts[BLACKHOLE]!.error).toMatch(new RegExp(`^${BLACKHOLE}: no SSH answer from pi@10\\.4\\.0\\.16:22 within 3 s \\(connect timeout\\) \\(hint: is the host up`));
    expect(r.json.hosts[LINK_DOWN]).toMatchObject({ failed: 1, unreachable: true });
    expect(r.json.hosts[LINK_DOWN]!.error).toMatch(/^fenn: (no SSH answer from .* within 3 s|cannot connect to .*: EHOSTUNREACH)/);
    // 3 s bound + CLI start, lint and report; four attempts of 3 s each would need 12 s.
    expect(ms).toBeLessThan(9000);
  });

  it('the default bound is 10 s for the whole connect, retries included', async () => {
    const started = Date.now();
    const r = await lab.runJson(['run', PLAYBOOK], ['--limit', BLACKHOLE]);
    const ms = Date.now() - started;
    expect(r.json.hosts[BLACKHOLE]!.error).toMatch(/within 10 s \(connect timeout\)( \(hint: .*\))?$/);
    expect(ms).toBeGreaterThanOrEqual(10_000);
    expect(ms).toBeLessThan(16_000); // was ~41 s: four 10 s attempts
  });

  it('the other eleven hosts converge while the two fail; the broken ones are untouched', async () => {
    const r = await lab.runJson(['run', PLAYBOOK], ['--connect-timeout', '3']);
    expect(r.code).toBe(1);
    expect(r.json.failed).toBe(2);
    for (const h of HOSTS) {
      const broken = h === LINK_DOWN || h === BLACKHOLE;
      expect(r.json.hosts[h], h).toMatchObject({ failed: broken ? 1 : 0 });
      if (!broken) expect(r.json.hosts[h]!.changed, h).toBeGreaterThanOrEqual(5);
    }
    for (const h of HOSTS.filter((x) => x !== LINK_DOWN && x !== BLACKHOLE)) expect(await motd(h), h).toBe(MOTD);
    for (const h of [LINK_DOWN, BLACKHOLE]) expect(await motd(h), h).not.toBe(MOTD);
    const again = await lab.runJson(['run', PLAYBOOK], ['--connect-timeout', '3', '--limit', `all,!${LINK_DOWN},!${BLACKHOLE}`]);
    expect(again.json).toMatchObject({ changed: 0, failed: 0 });
  });

  it('provision ping: the two broken hosts are UNREACHABLE within --connect-timeout 3; the others answer as root through sudo', async () => {
    const r = await lab.run(['ping'], ['--json', '--connect-timeout', '3']);
    expect(r.code, r.stderr).toBe(1);
    const hosts = (JSON.parse(r.stdout) as { hosts: Record<string, { ok: boolean; unreachable?: boolean; error?: string }> }).hosts;
    expect(Object.keys(hosts)).toEqual(HOSTS);
    expect(hosts[BLACKHOLE]).toMatchObject({ ok: false, unreachable: true });
    expect(hosts[BLACKHOLE]!.error).toMatch(new RegExp(`^${BLACKHOLE}: no SSH answer from pi@10\\.4\\.0\\.16:22 within 3 s`));
    expect(hosts[LINK_DOWN]).toMatchObject({ ok: false, unreachable: true });
    for (const h of HOSTS.filter((x) => x !== LINK_DOWN && x !== BLACKHOLE)) expect(hosts[h], h).toEqual({ ok: true, hostname: h, sudoUser: 'pi', ms: expect.any(Number) });
    const text = await lab.run(['ping'], ['--connect-timeout', '3', '--limit', `bettley,${BLACKHOLE}`]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^bettley +ok {2}root via sudo \(login pi\) {2}hostname bettley {2}\d+ ms$/m);
    expect(text.stdout).toMatch(new RegExp(`^${BLACKHOLE} +UNREACHABLE: ${BLACKHOLE}: no SSH answer`, 'm'));
  });

  it('--max-fail 1 --concurrency 1: the first host fails, the hosts not started are never connected nor changed', async () => {
    await lab.inHost('allyrion', 'ip link set eth0 down');
    await lab.inHost('velaryon', 'echo drift > /etc/motd');
    const before = Object.fromEntries(await Promise.all(HOSTS.slice(1).map(async (h) => [h, await lab.accepted(h)] as const)));
    const r = await lab.runJson(['run', PLAYBOOK], ['--connect-timeout', '3', '--max-fail', '1', '--concurrency', '1']);
    expect(r.code).toBe(1);
    expect(r.json.aborted).toBe('--max-fail 1 reached');
    expect(r.json.hosts.allyrion).toMatchObject({ failed: 1, unreachable: true });
    for (const h of HOSTS.slice(1)) {
      expect(r.json.hosts[h], h).toMatchObject({ failed: 0, changed: 0 });
      expect(await lab.accepted(h), `${h}: sshd accepted a connection`).toBe(before[h]);
    }
    expect(await motd('velaryon')).toBe('drift');
    await lab.inHost('allyrion', 'ip link set eth0 up');
  });
});
