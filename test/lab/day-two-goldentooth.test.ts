// Lab proof of issue 16 on goldentooth (HAProxy on allyrion, 3 control planes, 9 workers), one lab for every case:
// status reads HAProxy's backends and each host's drift; 1.32 → 1.34 is refused before anything changes; 1.32 → 1.33
// upgrades the control planes one at a time and the workers in batches of --max-unavailable, drained before and
// uncordoned after (the API stand-in's record); 1.33 → 1.34 killed (SIGKILL) in the middle of the workers and re-run
// finishes without touching a finished node again. The stand-ins enforce kubeadm's rules; this file reads their record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_HOST_STANDINS } from '../../src/lab/host-root.js';
import { faultLab, labReason } from './faults-support.js';
import { until } from './lab-support.js';
import './yield-between-tests.js';

const reason = labReason('i16 goldentooth day two');
const lab = faultLab(`i16g${process.pid % 1000}`, 'inventory/goldentooth.yaml', 'metallb-unrouted');
const LB = 'allyrion';
const CPS = ['bettley', 'cargyll', 'dalt'];
const WORKERS = ['erenford', 'fenn', 'gardener', 'harlton', 'inchfield', 'jast', 'karstark', 'lipps', 'velaryon'];
const NODES = [...CPS, ...WORKERS];

interface Event { at: number; node: string; what: string; detail?: string }
/** The API stand-in's record (replicated across the control planes), read with admin's client certificate. */
async function events(): Promise<Event[]> {
  const out = await lab.inHost(CPS[0]!, `node --input-type=module -e "
    const { call, readKubeconfig } = await import('${IN_HOST_STANDINS}/lib/kube-client.mjs');
    const kc = await readKubeconfig('/etc/kubernetes/admin.conf');
    const r = await call({ server: kc.server, path: '/lab/events', ca: kc.ca, cert: kc.cert, key: kc.key });
    if (r.status !== 200) process.exit(1);
    process.stdout.write(JSON.stringify(r.body.items));"`);
  return JSON.parse(out) as Event[];
}
const of = (ev: Event[], node: string, what?: string) => ev.filter((e) => e.node === node && (!what || e.what === what));
const kubeletTo = (ev: Event[], minor: number) => ev.filter((e) => e.what === 'kubelet-version' && e.detail?.endsWith(`-> v1.${minor}.3`));

interface StatusJson {
  ok: boolean;
  serverVersion?: string;
  endpoint: { health: string };
  nodes: Array<{ name: string; role: string; ready?: boolean; kubeletVersion?: string; packages: { kubelet?: string; kubeadm?: string }; drift?: { changes: number; items: string[] } | { error: string }; backends?: Array<{ server: string; status: string }>; problems: string[] }>;
  warnings: string[];
  problems: string[];
}
async function status() {
  const r = await lab.run(['status'], ['--json']);
  return { code: r.code, json: JSON.parse(r.stdout) as StatusJson, all: `${r.stdout}\n${r.stderr}` };
}
const packages = () => Promise.all(NODES.map((n) => lab.inHost(n, 'cat /etc/apt/sources.list.d/kubernetes.list; dpkg-query -W kubeadm kubelet kubectl')));

/** Each worker's cordoned spans [cordon, uncordon] from the record: the most at once never exceeds `max`. */
function mostCordonedAtOnce(ev: Event[], nodes: string[]): number {
  let now = 0;
  let most = 0;
  for (const e of ev.filter((x) => nodes.includes(x.node) && (x.what === 'cordon' || x.what === 'uncordon'))) {
    now += e.what === 'cordon' ? 1 : -1;
    most = Math.max(most, now);
  }
  return most;
}

describe.skipIf(reason !== '')('i16 goldentooth: status, upgrade, a kill in the middle of the workers', () => {
  beforeAll(async () => {
    await lab.up();
    const r = await lab.run(['up']);
    if (r.code !== 0) throw new Error(`up: ${r.stdout}\n${r.stderr}`);
  }, 1_500_000);
  afterAll(async () => {
    await lab.down();
  }, 300_000);

  it('status: every node Ready at 1.32, HAProxy backends UP, no drift; a worker whose kubelet stops makes it exit 1 naming it', async () => {
    // HAProxy's checks (fall 3, rise 2) may still be settling after the joins on a loaded machine ("DOWN 1/2, L7OK"):
    // status reports that truthfully; the cluster is healthy once they settle, within a minute.
    const s = await until('status to find the cluster healthy (HAProxy checks settled)', async () => {
      const x = await status();
      return x.code === 0 ? x : undefined;
    }, 60_000).catch(() => status());
    expect(s.code, s.all).toBe(0);
    expect(s.json.nodes.map((n) => n.name).sort()).toEqual([LB, ...NODES].sort());
    for (const n of s.json.nodes.filter((x) => x.role !== 'lb')) {
      expect(n.ready, n.name).toBe(true);
      expect(n.kubeletVersion, n.name).toBe('v1.32.3');
    }
    for (const n of s.json.nodes) expect(n.drift, n.name).toEqual({ changes: 0, items: [] });
    const lb = s.json.nodes.find((n) => n.name === LB)!;
    expect(lb.backends!.map((b) => ({ server: b.server, status: b.status }))).toEqual(CPS.map((server) => ({ server, status: 'UP' })));
    expect(s.json.endpoint.health).toMatch(/allyrion haproxy active: bettley UP, cargyll UP, dalt UP/);

    await lab.inHost('fenn', 'systemctl stop kubelet');
    try {
      const down = await status();
      expect(down.code, down.all).toBe(1);
      expect(down.json.problems.join('\n')).toMatch(/^fenn: kubelet is inactive/m);
      expect(down.json.problems.every((p) => p.startsWith('fenn:')), down.json.problems.join('\n')).toBe(true);
    } finally {
      await lab.inHost('fenn', 'systemctl start kubelet');
    }
  }, 600_000);

  it('status: a hand-edited /etc/hosts is drift on that host only (what up --check would change); a backend HAProxy cannot reach is DOWN', async () => {
    await lab.inHost('jast', "cp /etc/hosts /etc/hosts.i16 && sed -i '/^# BEGIN provision hosts$/a 10.4.0.99 intruder' /etc/hosts");
    // dalt drops the health checks from the load balancer only: HAProxy marks it DOWN (fall 3, inter 5s).
    await lab.inHost('dalt', 'nft insert rule inet provision input ip saddr 10.4.0.10 tcp dport 6443 drop comment i16-test');
    try {
      const s = await until('HAProxy to mark dalt DOWN', async () => {
        const r = await status();
        return r.json.nodes.find((n) => n.name === LB)?.backends?.some((b) => b.server === 'dalt' && b.status.startsWith('DOWN')) ? r : undefined;
      }, 120_000);
      expect(s.code, s.all).toBe(1);
      expect(s.json.problems.join('\n')).toMatch(/^allyrion: haproxy backend dalt is DOWN/m);
      const jast = s.json.nodes.find((n) => n.name === 'jast')!;
      expect(jast.drift).toMatchObject({ changes: 1 });
      expect((jast.drift as { items: string[] }).items.join('\n')).toMatch(/\/etc\/hosts/);
      expect(s.json.warnings.join('\n')).toMatch(/^jast: drifted: 1 change 'provision up' would make/m);
      // Only jast drifted: up's firewall check reads the fingerprint its own ruleset carries, which dalt's extra rule leaves as is.
      expect(s.json.nodes.filter((n) => n.drift && 'changes' in n.drift && n.drift.changes > 0).map((n) => n.name)).toEqual(['jast']);
    } finally {
      await lab.inHost('jast', 'mv -f /etc/hosts.i16 /etc/hosts');
      await lab.inHost('dalt', "h=$(nft -a list chain inet provision input | awk '/i16-test/ {print $NF; exit}'); nft delete rule inet provision input handle $h");
    }
    const back = await until('dalt UP again', async () => {
      const r = await status();
      return r.code === 0 ? r : undefined;
    }, 120_000);
    expect(back.json.nodes.find((n) => n.name === LB)!.backends!.every((b) => b.status === 'UP')).toBe(true);
  }, 600_000);

  it('upgrade --to 1.34 from 1.32 is refused before anything changes', async () => {
    const before = await packages();
    const evBefore = await events();
    const r = await lab.run(['upgrade'], ['--to', '1.34']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/refused, nothing was changed/);
    expect(r.stderr).toMatch(/cannot upgrade from 1\.32 to 1\.34: kubeadm upgrades one minor at a time.*upgrade to 1\.33, then 1\.34/);
    expect(await packages()).toEqual(before);
    expect(await events()).toEqual(evBefore);
  }, 600_000);

  it('upgrade --to 1.33 --max-unavailable 3: control planes one at a time, workers in batches of 3, drained before and uncordoned after; a second run changes nothing', async () => {
    const start = (await events()).length;
    const r = await lab.run(['upgrade'], ['--to', '1.33', '--max-unavailable', '3']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ev = (await events()).slice(start);
    expect(ev.filter((e) => e.what === 'kubelet-version-violation'), JSON.stringify(ev)).toEqual([]);
    expect(ev.filter((e) => e.what === 'upgrade-apply').map((e) => e.node)).toEqual([CPS[0]]);
    for (const n of NODES) {
      const w = of(ev, n).map((e) => e.what);
      expect(w.filter((x) => x === 'kubelet-version'), n).toHaveLength(1);
      expect(w.indexOf('cordon'), n).toBeGreaterThanOrEqual(0);
      expect(w.indexOf('drain'), n).toBeGreaterThan(w.indexOf('cordon'));
      expect(w.indexOf('kubelet-version'), n).toBeGreaterThan(w.indexOf('drain'));
      expect(w.lastIndexOf('uncordon'), n).toBeGreaterThan(w.indexOf('kubelet-version'));
    }
    for (const n of CPS.slice(1)) expect(of(ev, n, 'upgrade-node'), n).toHaveLength(1);
    for (const n of WORKERS) expect(of(ev, n, 'upgrade-node'), n).toHaveLength(1);
    // Control planes one at a time, in order: the next starts only after the previous is uncordoned.
    for (let i = 1; i < CPS.length; i++) {
      const prevEnd = Math.max(...of(ev, CPS[i - 1]!).map((e) => e.at));
      expect(Math.min(...of(ev, CPS[i]!).map((e) => e.at)), `${CPS[i]} after ${CPS[i - 1]}`).toBeGreaterThanOrEqual(prevEnd);
    }
    // Workers only after every control plane; at most 3 cordoned at once; batch k+1 starts after batch k is uncordoned.
    const cpsEnd = Math.max(...CPS.flatMap((n) => of(ev, n).map((e) => e.at)));
    expect(Math.min(...WORKERS.flatMap((n) => of(ev, n).map((e) => e.at)))).toBeGreaterThanOrEqual(cpsEnd);
    expect(mostCordonedAtOnce(ev, WORKERS)).toBeLessThanOrEqual(3);
    const batches = [WORKERS.slice(0, 3), WORKERS.slice(3, 6), WORKERS.slice(6, 9)];
    for (let i = 1; i < batches.length; i++) {
      const prevEnd = Math.max(...batches[i - 1]!.flatMap((n) => of(ev, n, 'uncordon').map((e) => e.at)));
      expect(Math.min(...batches[i]!.flatMap((n) => of(ev, n, 'cordon').map((e) => e.at))), `batch ${i + 1}`).toBeGreaterThanOrEqual(prevEnd);
    }

    const s = await status();
    expect(s.code, s.all).toBe(0);
    expect(s.json.serverVersion).toBe('v1.33.3');
    for (const n of s.json.nodes.filter((x) => x.role !== 'lb')) {
      expect(n.kubeletVersion, n.name).toBe('v1.33.3');
      expect(n.packages.kubeadm, n.name).toBe('1.33.3-1.1');
      expect(n.ready, n.name).toBe(true);
    }
    const again = await lab.run(['upgrade'], ['--to', '1.33', '--json']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { steps: unknown[] }).steps).toEqual([]);
    expect((await events()).length).toBe(start + ev.length);
  }, 1_200_000);

  it('upgrade --to 1.34 SIGKILLed in the middle of the workers, then re-run: finishes, no node upgraded twice, finished nodes untouched', async () => {
    const start = (await events()).length;
    const running = lab.start(['upgrade'], ['--to', '1.34']);
    const pid = await running.cliPid();
    // Kill once the record shows some workers finished (uncordoned at 1.34) but not all.
    const finished = await until('some but not all workers upgraded to 1.34', async () => {
      const ev = await events().catch(() => undefined);
      if (!ev) return undefined;
      const mine = ev.slice(start);
      const done = WORKERS.filter((w) => kubeletTo(of(mine, w), 34).length && of(mine, w, 'uncordon').some((u) => u.at > kubeletTo(of(mine, w), 34)[0]!.at));
      return done.length >= 2 && done.length < WORKERS.length ? done : undefined;
    }, 900_000);
    process.kill(pid, 'SIGKILL');
    const killed = await running.done;
    expect(killed.code, killed.stdout).not.toBe(0);
    const atKill = (await events()).length;

    const rerun = await lab.run(['upgrade'], ['--to', '1.34']);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    const all = (await events()).slice(start);
    const second = (await events()).slice(atKill);
    expect(all.filter((e) => e.what === 'kubelet-version-violation'), JSON.stringify(all)).toEqual([]);
    expect(all.filter((e) => e.what === 'upgrade-apply').map((e) => e.node)).toEqual([CPS[0]]);
    // No node upgraded twice: each kubelet moved to 1.34 once; control planes and finished workers untouched by the re-run.
    for (const n of NODES) expect(kubeletTo(of(all, n), 34), n).toHaveLength(1);
    for (const n of [...CPS, ...finished]) expect(of(second, n), `${n} finished before the kill`).toEqual([]);
    expect(second.some((e) => WORKERS.includes(e.node)), 'the re-run upgraded the remaining workers').toBe(true);
    for (const n of WORKERS) {
      const w = of(all, n).map((e) => e.what);
      expect(w.lastIndexOf('drain'), n).toBeLessThan(w.indexOf('kubelet-version'));
      expect(w.lastIndexOf('uncordon'), n).toBeGreaterThan(w.indexOf('kubelet-version'));
    }
    expect(mostCordonedAtOnce(all, WORKERS)).toBeLessThanOrEqual(1);

    const s = await status();
    expect(s.code, s.all).toBe(0);
    for (const n of s.json.nodes.filter((x) => x.role !== 'lb')) expect(n.kubeletVersion, n.name).toBe('v1.34.3');
  }, 1_500_000);
});
