// status on a haproxy-mode cluster: the lb host's backends from HAProxy's stats page (UP is healthy, DOWN a problem
// naming the server, an unreadable page a problem), and drift (what up --check would change) as a per-host warning.
import { describe, expect, it } from 'vitest';
import { collectStatus, formatStatus, type Drift, type HostOutput } from '../../../../src/cli/cluster/status-results.js';
import { renderStatusScript } from '../../../../src/cli/cluster/status-script.js';
import { goldentooth } from '../../cluster/fixtures.js';
import { statsPageWithUp } from '../../../support/haproxy-stats-page.js';

const inv = goldentooth();
const NOW = new Date('2026-12-01T00:00:00Z');
const b64 = (s: string) => Buffer.from(s).toString('base64');
const CPS = ['bettley', 'cargyll', 'dalt'];
const WORKERS = ['erenford', 'velaryon'];
const certs = 'CERTIFICATE   EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED\nadmin.conf    Dec 01, 2027 23:40 UTC   364d            ca                      no\n';
const apiNode = (name: string) => ({ metadata: { name }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.3' } } });
const node = (extra: string[] = []) => ['K\tendpoint\tok', 'K\tkubeadm\t1.32.3-1.1', 'K\tkubelet\t1.32.3-1.1', 'K\tkubectl\t1.32.3-1.1', 'K\theld\tkubeadm kubectl kubelet', 'K\tkubelet-active\tactive', 'K\tjoined\tyes', ...extra].join('\n');
const cp = (name: string) => node([
  'K\tmanifest-kube-apiserver\tv1.32.3', `B\tcerts\t${b64(certs)}`,
  ...(name === 'bettley' ? [
    `B\tnodes\t${b64(JSON.stringify({ items: [...CPS, ...WORKERS].map(apiNode) }))}`,
    `B\tpods\t${b64(JSON.stringify({ items: CPS.map((n) => ({ metadata: { name: `etcd-${n}` }, status: { phase: 'Running' } })) }))}`,
    `B\tversion\t${b64('Server Version: v1.32.3\n')}`,
  ] : []),
]);
const stats = (up: string[]) => statsPageWithUp(up);
const lb = (page: string, active = 'active') => ['K\tendpoint\tok', `K\thaproxy\t${active}`, `B\thaproxy-stats\t${b64(page)}`].join('\n');
const outputs = (lbOut: string): HostOutput[] => [
  { host: 'allyrion', stdout: lbOut },
  ...CPS.map((h) => ({ host: h, stdout: cp(h) })),
  ...WORKERS.map((h) => ({ host: h, stdout: node() })),
];

describe('status on haproxy mode: backends', () => {
  it('the lb host reads the stats page over loopback', () => {
    expect(renderStatusScript(inv, inv.hosts[0]!)).toContain("B\\t%s\\t%s\\n' \"$1\"");
    expect(renderStatusScript(inv, inv.hosts[0]!)).toMatch(/b haproxy-stats "\$\(timeout 3 bash -c 'exec 3<>\/dev\/tcp\/127\.0\.0\.1\/8404/);
    expect(renderStatusScript(inv, inv.hosts[1]!)).not.toContain('haproxy-stats');
  });
  it('every backend UP: healthy, each named in the endpoint health', () => {
    const r = collectStatus(inv, outputs(lb(stats(['bettley', 'cargyll']))), NOW);
    expect(r.problems).toEqual([]);
    expect(r.nodes[0]!.backends).toEqual([{ server: 'bettley', status: 'UP', check: 'L7OK Layer7 check passed' }, { server: 'cargyll', status: 'UP', check: 'L7OK Layer7 check passed' }]);
    expect(r.endpoint.health).toBe('answers from 6/6 hosts; allyrion haproxy active: bettley UP, cargyll UP');
  });
  it('a DOWN backend is a problem naming the server and HAProxy\'s check result', () => {
    const r = collectStatus(inv, outputs(lb(stats(['bettley']))), NOW);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['allyrion: haproxy backend cargyll is DOWN (L4CON Layer4 connection problem)']);
    expect(formatStatus(r)).toMatch(/allyrion haproxy active: bettley UP, cargyll DOWN/);
  });
  it('an unreadable stats page is a problem; a stopped haproxy is named once, without the page', () => {
    expect(collectStatus(inv, outputs(lb('timeout: connect refused')), NOW).problems).toEqual([
      "allyrion: haproxy's stats page (127.0.0.1, /stats;csv) not read: not an HTTP response: timeout: connect refused",
    ]);
    expect(collectStatus(inv, outputs(lb('', 'inactive')), NOW).problems).toEqual(['allyrion: haproxy is inactive']);
  });
});

describe('status: drift', () => {
  it('what up would change on a host is a warning naming the host and the changes; none is shown as none', () => {
    const drift = new Map<string, Drift>([
      ['allyrion', { changes: 0, items: [] }],
      ['erenford', { changes: 2, items: ['/etc/hosts block and hostname: update /etc/hosts block', 'kubeadm, kubelet, kubectl: install 1.32'] }],
      ['velaryon', { error: 'host is locked by another provision run: alice@laptop' }],
    ]);
    const r = collectStatus(inv, outputs(lb(stats(['bettley', 'cargyll']))), NOW, drift);
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      "erenford: drifted: 2 changes 'provision up' would make (/etc/hosts block and hostname: update /etc/hosts block; kubeadm, kubelet, kubectl: install 1.32); 'provision up -i /tmp/goldentooth.yaml --check --diff' shows them",
      'velaryon: drift not checked: host is locked by another provision run: alice@laptop',
    ]);
    expect(r.nodes.find((n) => n.name === 'erenford')!.drift).toEqual(drift.get('erenford'));
    const table = formatStatus(r);
    expect(table).toMatch(/^NODE .* DRIFT$/m);
    expect(table).toMatch(/^allyrion .* none$/m);
    expect(table).toMatch(/^erenford .* 2 to change$/m);
    expect(table).toMatch(/^velaryon .* \?$/m);
    expect(table).toMatch(/^bettley .* -$/m);
  });
});
