// verify from recorded node outputs: per-host results, peer port attribution, unreachable nodes, the API's node list.
import { describe, expect, it } from 'vitest';
import { collectResults, formatVerifyTable, type NodeOutput } from '../../../../src/cli/cluster/verify-results.js';
import { peerOf, renderVerifyScript } from '../../../../src/cli/cluster/verify-script.js';
import { goldentooth, homelab } from '../../cluster/fixtures.js';

const inv = goldentooth();
const R = (target: string, check: string, ok: boolean, detail = 'x') => `R\t${target}\t${check}\t${ok ? 'ok' : 'fail'}\t${detail}`;
const own = (h: string, over: Record<string, boolean> = {}) =>
  ['resolve', 'api', 'route', 'firewall', ...(h === 'allyrion' ? [] : ['joined', 'cni'])].map((c) => R(h, c, over[c] ?? true));
const NOT_READY = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady';
/** The J lines the first control plane prints: the API's nodes (Ready unless listed in notReady) and kube-system pods. */
function api(names: string[], notReady: string[] = [], pods?: Array<{ name: string; node?: string; phase: string }>): string[] {
  const nodes = { items: names.map((n) => ({ metadata: { name: n }, status: { conditions: [{ type: 'Ready', status: notReady.includes(n) ? 'False' : 'True', message: notReady.includes(n) ? NOT_READY : 'ok' }] } })) };
  const podList = { items: (pods ?? names.map((n) => ({ name: `kube-proxy-${n}`, node: n, phase: 'Running' }))).map((p) => ({ metadata: { name: p.name }, spec: p.node ? { nodeName: p.node } : {}, status: { phase: p.phase } })) };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
  return [`J\tnodes\t${b64(nodes)}`, `J\tpods\t${b64(podList)}`];
}
const nodeNames = inv.hosts.filter((x) => x.role !== 'lb').map((x) => x.name);
/** Outputs where every node passes; ports lines come from each target's peer. */
function healthy(over: Record<string, string[]> = {}): NodeOutput[] {
  return inv.hosts.map((h) => {
    const lines = [...own(h.name)];
    for (const t of inv.hosts) if (peerOf(inv, t)?.name === h.name && ['lb', 'control-plane'].includes(t.role)) lines.push(R(t.name, 'ports', true));
    if (h.name === 'bettley') lines.push(...api(nodeNames));
    return { host: h.name, stdout: (over[h.name] ?? lines).join('\n') };
  });
}

describe('collectResults', () => {
  it.each([
    { name: 'all healthy', outputs: healthy(), ok: true, failed: [] as string[] },
    {
      name: 'a control plane whose 6443 is filtered fails for that node (tested by its peer)',
      outputs: healthy({ bettley: [...own('bettley'), R('cargyll', 'ports', false, '10.4.0.12:6443 not reachable from bettley'), ...api(nodeNames)] }),
      ok: false,
      failed: ['cargyll ports'],
    },
    {
      name: 'unreachable node: its checks fail, and the node it tests is reported as not checked',
      outputs: healthy().map((o) => (o.host === 'allyrion' ? { host: 'allyrion', error: 'unreachable (timeout)' } : o)),
      ok: false,
      failed: ['allyrion resolve', 'allyrion api', 'allyrion route', 'allyrion firewall', 'bettley ports'],
    },
    {
      name: 'kubelet.conf present but the API does not list the node',
      outputs: healthy({ bettley: [...own('bettley'), R('cargyll', 'ports', true), ...api(['bettley', 'cargyll'])] }),
      ok: false,
      failed: ['dalt joined', 'erenford joined', 'velaryon joined', 'dalt ready', 'erenford ready', 'velaryon ready'],
    },
    {
      name: 'no CNI installed: every node NotReady and without CNI config, CoreDNS Pending unscheduled (on the first control plane)',
      outputs: healthy(Object.fromEntries(inv.hosts.map((h) => [h.name, [
        ...own(h.name, { cni: false }),
        ...inv.hosts.filter((t) => peerOf(inv, t)?.name === h.name && ['lb', 'control-plane'].includes(t.role)).map((t) => R(t.name, 'ports', true)),
        ...(h.name === 'bettley' ? api(nodeNames, nodeNames, [{ name: 'coredns-0', phase: 'Pending' }, { name: 'kube-proxy-fenn', node: 'fenn', phase: 'Running' }]) : []),
      ].filter((l) => h.name !== 'allyrion' || !l.includes('\tcni\t'))]))),
      ok: false,
      failed: [...nodeNames.flatMap((n) => [`${n} cni`, `${n} ready`]), 'bettley pods'],
    },
    { name: 'a missing result line is a failure too', outputs: healthy({ dalt: own('dalt').filter((l) => !l.includes('\troute\t')) }), ok: false, failed: [] },
    {
      name: 'the first control plane unreachable: ready and pods are not checked for any node',
      outputs: healthy().map((o) => (o.host === 'bettley' ? { host: 'bettley', error: 'unreachable (timeout)' } : o)),
      ok: false,
      failed: [...['resolve', 'api', 'route', 'firewall', 'joined', 'cni'].map((c) => `bettley ${c}`), ...nodeNames.flatMap((n) => [`${n} ready`, `${n} pods`]), 'cargyll ports'],
    },
  ])('$name', ({ outputs, ok, failed }) => {
    const report = collectResults(inv, outputs);
    expect(report.ok).toBe(ok);
    const fails = Object.entries(report.hosts).flatMap(([h, r]) => r.checks.filter((c) => !c.ok).map((c) => `${h} ${c.check}`));
    expect(fails.sort()).toEqual([...failed].sort());
    const table = formatVerifyTable(inv, report);
    expect(table.split('\n')[0]).toMatch(/^HOST\s+resolve\s+api\s+route\s+ports\s+firewall\s+joined\s+cni\s+ready\s+pods/);
    expect(table).toContain(ok ? 'verify: all checks passed' : 'verify: FAILED');
    if (failed.length === 0 && !ok) expect(table).toMatch(/dalt\s+ok\s+ok\s+MISSING/);
  });
});

// Issue 19 item 3: what a node reports is escaped before it reaches the terminal.
it('a node cannot put terminal escapes or extra lines into the table', () => {
  const outputs = healthy({ dalt: own('dalt', { route: false }).map((l) => (l.includes('\troute\t') ? R('dalt', 'route', false, 'x\u001b[2J\rverify: all checks passed') : l)) });
  const table = formatVerifyTable(inv, collectResults(inv, outputs));
  expect(table).toContain('dalt route: x\\x1b[2J\\rverify: all checks passed');
  expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
});

describe('renderVerifyScript', () => {
  it.each([
    { inv: goldentooth(), host: 'allyrion', has: ["getent hosts velaryon", "tcp_ok 10.4.0.10 6443", "ip -o route get 10.4.11.1", "nft list table inet provision", "tcp_ok 10.4.0.11 6443"], not: ['kubelet.conf', 'kubectl'] },
    { inv: goldentooth(), host: 'bettley', has: ['[ -f /etc/kubernetes/kubelet.conf ]', "kubectl --kubeconfig /etc/kubernetes/admin.conf --server https://10.4.0.11:6443 get nodes -o json", 'get pods -n kube-system -o json', 'ls /etc/cni/net.d', 'tcp_ok 10.4.0.12 6443', '2379-2380'], not: [] },
    { inv: homelab(), host: 'k8s-worker-01', has: ['tcp_ok 192.168.1.50 6443', 'ip -o route get 192.168.1.241', '30000-32767', 'tcp_ok 192.168.1.51 6443'], not: ['kubectl'] },
  ])('$host', ({ inv: i, host, has, not }) => {
    const s = renderVerifyScript(i, i.hosts.find((h) => h.name === host)!);
    for (const x of has) expect(s).toContain(x);
    for (const x of not) expect(s).not.toContain(x);
  });
});
