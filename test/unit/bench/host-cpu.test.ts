// The bench's CPU accounting: where the cgroup v2 tree is, a host's root in it, and the per-host and whole-run sums.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs of the bench (no types)
import { cgroup2Mount, cgroup2Path, cpuBetween, cpuLines, usageUsec } from '../../../bench/host-cpu.mjs';

const HYBRID = [
  '25 1 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw',
  '30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate',
  '32 30 0:28 / /sys/fs/cgroup/cpu rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu',
].join('\n');

type Cpu = { total: number; login: number; init: number; journald: number };
const reads = (o: Record<string, Cpu>) => new Map(Object.entries(o));

describe('host CPU from cgroups', () => {
  it('finds the cgroup2 mount on a hybrid machine and on a unified one, and none on a v1-only one', () => {
    expect(cgroup2Mount(HYBRID)).toBe('/sys/fs/cgroup/unified');
    expect(cgroup2Mount('29 25 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw')).toBe('/sys/fs/cgroup');
    expect(cgroup2Mount(HYBRID.split('\n').filter((l) => !l.includes('cgroup2')).join('\n'))).toBeUndefined();
  });

  it("reads a process's v2 path and a cpu.stat's usage", () => {
    expect(cgroup2Path('9:name=systemd:/x\n4:memory:/y\n0::/provision-lab/pl-gt.a.1/payload/init.scope\n')).toBe('/provision-lab/pl-gt.a.1/payload/init.scope');
    expect(cgroup2Path('4:memory:/y\n')).toBeUndefined();
    expect(usageUsec('usage_usec 36737119\nuser_usec 21500156\nsystem_usec 15236962\n')).toBe(36737119);
    expect(usageUsec('user_usec 1\n')).toBeUndefined();
  });

  it('averages each group over the hosts read both times, in ms; the rest is what no group holds', () => {
    const before = reads({ a: { total: 1_000_000, login: 500_000, init: 10_000, journald: 0 }, b: { total: 0, login: 0, init: 0, journald: 0 } });
    const after = reads({
      a: { total: 1_220_000, login: 700_000, init: 17_000, journald: 4_000 },
      b: { total: 180_000, login: 160_000, init: 5_000, journald: 2_000 },
      gone: { total: 9e9, login: 9e9, init: 0, journald: 0 },
    });
    const d = cpuBetween(before, after);
    expect(d.hosts).toBe(2);
    expect(d.total).toBeCloseTo(200);
    expect(d.login).toBeCloseTo(180);
    expect(d.init).toBeCloseTo(6);
    expect(d.journald).toBeCloseTo(3);
    expect(d.other).toBeCloseTo(11);
    expect(cpuBetween(before, reads({}))).toBeUndefined();
  });

  it("sums a run's CPU (controller plus every host), its ratio to the floor's, and the per-host budget of a target", () => {
    const run = (total: number, controller: number) => ({ hosts: 10, total, login: total - 20, init: 5, journald: 5, other: 10, controller });
    const { lines, ratio } = cpuLines({ A: [run(200, 0.5), run(220, 0.7), run(210, 0.6)], B: [run(100, 1.4)], C: [run(120, 0.4)] }, 10, 1.0, 2);
    // A: 0.6 s + 10 × 210 ms = 2.7 s; B: 1.4 s + 10 × 100 ms = 2.4 s.
    expect(ratio).toBeCloseTo(2.7 / 2.4);
    expect(lines.join('\n')).toContain('A/B 1.13x in CPU on 2 cores');
    // (1.0 × 2.4 s − 0.6 s) / 10 hosts = 180 ms.
    expect(lines.join('\n')).toContain('CPU budget per host            180.0 ms');
    // P (--persist): its controller CPU includes the keeper's; P/B in CPU beside A/B.
    const kept = cpuLines({ A: [run(200, 0.5)], B: [run(100, 1.4)], C: [], P: [run(120, 0.8)] }, 10, 1.0, 2);
    // P: 0.8 s + 10 × 120 ms = 2.0 s against B's 2.4 s.
    expect(kept.keptRatio).toBeCloseTo(2.0 / 2.4);
    expect(kept.lines.join('\n')).toContain('P/B 0.83x in CPU');
    expect(cpuLines({ A: [], B: [], C: [] }, 10, 1.0, 2).ratio).toBeUndefined();
    expect(cpuLines({ A: [run(200, 0.5)], B: [run(100, 1.4)], C: [], P: [] }, 10, undefined, 2).lines).toHaveLength(2);
  });
});
