// verify --workloads: the probe script (bash -n, what it runs), its parsed results per node, and the lb check
// against a real HTTP listener on loopback (the laptop side).
import { execa } from 'execa';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { collectResults, formatVerifyTable } from '../../../../src/cli/cluster/verify-results.js';
import { lbCheck, mergeWorkload, parseWorkload } from '../../../../src/cli/cluster/workload-results.js';
import { cleanupScript, probeManifest, workloadScript } from '../../../../src/cli/cluster/workload-script.js';
import { homelab } from '../../cluster/fixtures.js';
import { tempDir } from '../../../support/temp-dir.js';

const inv = homelab();

describe('workload probe script', () => {
  it('is valid bash and runs the probe, pod-to-pod, DNS and the LB address; cleanup deletes the namespace', async () => {
    const s = workloadScript(inv);
    const r = await execa('bash', ['-n'], { input: s, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    for (const x of ['rollout status ds/probe', 'wget -qO- -T 3 "http://$tip:8080/"', 'nslookup kubernetes.default.svc.cluster.local', "jsonpath='{.status.loadBalancer.ingress[0].ip}'", 'nodes="k8s-cp-01 k8s-worker-01"']) expect(s).toContain(x);
    expect(s).toContain(`<<'PROVISION_PROBE' ||`);
    expect(s).toContain(`${probeManifest().trimEnd()}\nPROVISION_PROBE\n`);
    expect(cleanupScript()).toContain('delete namespace provision-verify');
    const docs = parseAllDocuments(probeManifest()).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'DaemonSet', 'Service']);
    expect(docs[1].spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(docs[2].spec.type).toBe('LoadBalancer');
  });
});

describe('workload probe script against a scripted kubectl', () => {
  it('pod-to-pod goes to the next node (wrapping), a pod that cannot reach fails, DNS and the LB address come out', async () => {
    const dir = tempDir('i14-kubectl-');
    try {
      // cp's pod reaches worker's; worker's pod gets nothing back from cp's; DNS works on both
      writeFileSync(join(dir, 'kubectl'), [
        '#!/bin/bash',
        'args="$*"',
        'case "$args" in',
        '  *" apply -f -"*) cat >/dev/null ;;',
        '  *"rollout status"*) ;;',
        '  *"get pods"*) printf "k8s-cp-01 probe-a 10.244.0.4 Running\\nk8s-worker-01 probe-b 10.244.1.5 Running\\n" ;;',
        '  *"exec probe-a -- wget"*10.244.1.5*) echo k8s-worker-01 ;;',
        '  *"exec probe-b -- wget"*) exit 1 ;;',
        '  *nslookup*) exit 0 ;;',
        '  *"get service probe-lb"*) printf 192.168.1.240 ;;',
        '  *) echo "unexpected: $args" >&2; exit 9 ;;',
        'esac',
      ].join('\n'), { mode: 0o755 });
      const r = await execa('bash', ['-c', workloadScript(inv)], { env: { PATH: `${dir}:${process.env.PATH}` } });
      const w = parseWorkload(inv, r.stdout);
      expect(r.stderr).toBe('');
      expect([...w.results].map(([h, c]) => [h, c.map((x) => `${x.check}:${x.ok}`)])).toEqual([['k8s-cp-01', ['podnet:true', 'dns:true']], ['k8s-worker-01', ['podnet:false', 'dns:true']]]);
      expect(w.results.get('k8s-worker-01')![0]!.detail).toBe("cannot reach k8s-cp-01's pod 10.244.0.4 from k8s-worker-01");
      expect(w.lbAddress).toBe('192.168.1.240');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('workload results', () => {
  const out = ['W\tpodnet\tk8s-cp-01\tok\treached k8s-worker-01\'s pod 10.244.1.5', 'W\tdns\tk8s-cp-01\tok\tkubernetes.default resolves',
    'W\tpodnet\tk8s-worker-01\tfail\tcannot reach k8s-cp-01\'s pod 10.244.0.4 from k8s-worker-01', 'LB\t192.168.1.240'].join('\n');

  it('per node podnet and dns; a missing line is a failure; the LB address is kept', () => {
    const w = parseWorkload(inv, out);
    expect(w.lbAddress).toBe('192.168.1.240');
    expect(w.results.get('k8s-worker-01')!.map((c) => [c.check, c.ok])).toEqual([['podnet', false], ['dns', false]]);
    expect(w.results.get('k8s-worker-01')![1]!.detail).toMatch(/no result from the probe on k8s-cp-01/);
  });

  it('merged into the report: new columns, failures named per node, ok false', async () => {
    const base = collectResults(inv, []);
    const report = mergeWorkload(inv, { ok: true, hosts: Object.fromEntries(Object.keys(base.hosts).map((h) => [h, { checks: [] }])) }, parseWorkload(inv, out), await lbCheck(inv, '192.168.1.240', async () => 'k8s-worker-01'));
    expect(report.ok).toBe(false);
    const table = formatVerifyTable(inv, report);
    expect(table.split('\n')[0]).toMatch(/podnet\s+dns\s+lb\s*$/);
    expect(table).toMatch(/k8s-worker-01 podnet: cannot reach k8s-cp-01's pod/);
  });

  it('lb: outside the pool, no address, no answer, or an answer from a probe pod via a real listener', async () => {
    expect((await lbCheck(inv, '10.9.9.9', async () => 'x')).detail).toMatch(/not in the MetalLB pool/);
    expect((await lbCheck(inv, '')).detail).toMatch(/got no address/);
    expect(await lbCheck(inv, '192.168.1.241', async () => { throw new Error('connect ETIMEDOUT'); })).toMatchObject({ ok: false, detail: expect.stringContaining('does not answer from the laptop: connect ETIMEDOUT') });
    const server = createServer((_q, res) => res.end('k8s-cp-01\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const local = { ...inv, network: { ...inv.network, metallb: { pool: [{ first: '127.0.0.1', last: '127.0.0.1' }] } } };
      const viaLoopback = async (url: string) => (await fetch(url.replace('127.0.0.1/', `127.0.0.1:${port}/`))).text();
      expect(await lbCheck(local, '127.0.0.1', viaLoopback)).toMatchObject({ ok: true, detail: '127.0.0.1 answers from the laptop (served by k8s-cp-01)' });
    } finally {
      server.close();
    }
  });
});
