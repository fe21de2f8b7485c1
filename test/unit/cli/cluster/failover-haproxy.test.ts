// verify --failover in haproxy mode: which backend is stopped, when HAProxy counts it DOWN, the cause named otherwise.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseCpStatus } from '../../../../src/cli/cluster/failover-decide.js';
import { answersWithout, backendDown, endpointCause, pickTarget, settledAll } from '../../../../src/cli/cluster/failover-haproxy-decide.js';
import { failoverStatusScript, restoreApiServerScript, stopApiServerScript } from '../../../../src/cli/cluster/failover-script.js';
import { fakeInventory } from '../../../support/fake-inventory.js';

const inv = fakeInventory({
  hosts: [
    { name: 'lb', address: '10.4.0.10', role: 'lb' },
    { name: 'cp1', address: '10.4.0.11', role: 'control-plane' },
    { name: 'cp2', address: '10.4.0.12', role: 'control-plane' },
    { name: 'cp3', address: '10.4.0.13', role: 'control-plane' },
  ],
});
const cps = inv.hosts.filter((h) => h.role === 'control-plane');
const st = (host: string, o: { api?: boolean; manifest?: string; vipapi?: boolean } = {}) =>
  parseCpStatus(host, `F\tvip\tno\nF\tapimanifest\t${o.manifest ?? 'yes'}\nF\tapi\t${o.api === false ? 'fail' : 'ok'}\nF\tvipapi\t${o.vipapi === false ? 'fail' : 'ok'}\n`);
const lb = (...statuses: string[]) => ({ servers: statuses.map((status, i) => ({ server: `cp${i + 1}`, status })) });

describe('verify --failover, haproxy mode', () => {
  it('parses the API server manifest line', () => expect(st('cp1', { manifest: 'parked' }).apiManifest).toBe('parked'));

  it('the target is the first control plane HAProxy has UP, when another stays UP', () => {
    expect(pickTarget('lb', cps, lb('DOWN', 'UP', 'UP'), [st('cp1', { api: false }), st('cp2'), st('cp3')])).toMatchObject({ target: 'cp2', step: { ok: true } });
    expect(pickTarget('lb', cps, lb('UP', 'UP 1/3', 'DOWN'), [])).toMatchObject({ target: 'cp1' });
  });

  it('refuses, naming each DOWN backend\'s cause, when stopping one would leave none', () => {
    const r = pickTarget('lb', cps, lb('UP', 'DOWN', 'DOWN'), [st('cp1'), st('cp2', { api: false }), st('cp3', { manifest: 'parked', api: false })]);
    expect(r.target).toBeUndefined();
    expect(r.step.detail).toContain('only cp1 UP');
    expect(r.step.detail).toContain('nothing was stopped');
    expect(r.step.detail).toContain('cp2: its API server on :6443 does not answer');
    expect(r.step.detail).toContain('cp3: its kube-apiserver manifest is parked');
    expect(pickTarget('lb', cps, { error: 'stats read exited 1: refused' }, []).step.detail).toContain('cannot read HAProxy\'s stats on lb: stats read exited 1');
    expect(pickTarget('lb', cps.slice(0, 1), lb('UP'), []).step.detail).toContain('two control planes');
  });

  it('DOWN is HAProxy\'s verdict after its fall count, not a transition', () => {
    expect(backendDown('cp1', lb('UP 1/3', 'UP'))).toBe(false);
    expect(backendDown('cp1', lb('DOWN', 'UP'))).toBe(true);
    expect(backendDown('cp1', { error: 'x' })).toBe(false);
  });

  it('the API must answer through the endpoint from every other control plane; the cause lists them and HAProxy', () => {
    expect(answersWithout('cp1', [st('cp1', { vipapi: false }), st('cp2'), st('cp3')])).toBe(true);
    expect(answersWithout('cp1', [st('cp1'), st('cp2'), st('cp3', { vipapi: false })])).toBe(false);
    expect(endpointCause('cp1', lb('DOWN', 'UP', 'DOWN'), [st('cp2'), st('cp3', { vipapi: false, api: false })]))
      .toBe('cp2: answers through the endpoint; cp3: no answer through the endpoint; its API server on :6443 does not answer; HAProxy: cp1 DOWN, cp2 UP, cp3 DOWN');
  });

  it('settled means every backend UP and every API server back in place', () => {
    expect(settledAll(cps, lb('UP', 'UP', 'UP'), [st('cp1'), st('cp2'), st('cp3')])).toBe(true);
    expect(settledAll(cps, lb('DOWN 1/2', 'UP', 'UP'), [st('cp1'), st('cp2'), st('cp3')])).toBe(false);
    expect(settledAll(cps, lb('UP', 'UP', 'UP'), [st('cp1', { manifest: 'parked' }), st('cp2'), st('cp3')])).toBe(false);
  });

  it('the scripts are valid sh; stop parks the API server manifest and restore puts it back only when parked', async () => {
    for (const s of [failoverStatusScript(inv), stopApiServerScript(), restoreApiServerScript()]) expect((await execa('sh', ['-n'], { input: s, reject: false })).exitCode).toBe(0);
    expect(stopApiServerScript()).toBe('mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kube-apiserver.yaml.provision-failover');
    expect(restoreApiServerScript()).toMatch(/^if \[ -f \/etc\/kubernetes\/kube-apiserver.yaml.provision-failover \]; then mv /);
  });
});
