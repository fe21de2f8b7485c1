// verify --failover's decisions from control-plane status lines: holder, moved, the cause named when it does not move.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { failureCause, findHolder, formatFailover, judgeMoved, parseCpStatus } from '../../../../src/cli/cluster/failover-decide.js';
import { failoverStatusScript, restoreKubeVipScript, stopKubeVipScript } from '../../../../src/cli/cluster/failover-script.js';
import { fakeInventory } from '../../../support/fake-inventory.js';

const inv = fakeInventory({
  hosts: [
    { name: 'cp1', address: '192.168.1.51', role: 'control-plane' },
    { name: 'cp2', address: '192.168.1.53', role: 'control-plane' },
    { name: 'w1', address: '192.168.1.52', role: 'worker' },
  ],
});
const st = (host: string, vip: boolean, api = true, manifest = 'yes', vipapi = true) =>
  parseCpStatus(host, `noise\nF\tvip\t${vip ? 'yes' : 'no'}\nF\tmanifest\t${manifest}\nF\tapi\t${api ? 'ok' : 'fail'}\nF\tvipapi\t${vipapi ? 'ok' : 'fail'}\n`);

describe('verify --failover decisions', () => {
  it('parses the status lines', () => {
    expect(st('cp1', true, false, 'parked', false)).toEqual({ host: 'cp1', vip: true, manifest: 'parked', api: false, vipApi: false });
  });

  it('needs kube-vip mode, two control planes and exactly one holder', () => {
    expect(findHolder(inv, [st('cp1', false), st('cp2', true)])).toMatchObject({ holder: 'cp2', step: { ok: true } });
    expect(findHolder(inv, [st('cp1', false), st('cp2', false)]).step).toMatchObject({ ok: false, detail: expect.stringContaining('no control plane holds') });
    expect(findHolder(inv, [st('cp1', true), st('cp2', true)]).step.detail).toContain('cp1 and cp2 at once');
    expect(findHolder(inv, [st('cp1', true)]).step.detail).toContain('two control planes');
    const ha = { ...inv, network: { ...inv.network, api: { mode: 'haproxy' as const, address: '192.168.1.52', port: 6443 } } };
    expect(findHolder(ha, []).step.detail).toContain('kube-vip');
  });

  it('moved means another control plane holds the VIP; the API must answer through it', () => {
    expect(judgeMoved('cp1', [st('cp1', false), st('cp2', true)])).toEqual({ moved: 'cp2', apiOk: true });
    expect(judgeMoved('cp1', [st('cp1', true, true, 'parked', false), st('cp2', false, true, 'yes', false)])).toEqual({ apiOk: false });
  });

  it('names the cause when the VIP does not move: the other control plane\'s API down, or its manifest missing', () => {
    expect(failureCause('cp1', [st('cp1', false), st('cp2', false, false)])).toBe('cp2: its API server on :6443 does not answer (kube-vip there cannot take the leader lease)');
    expect(failureCause('cp1', [st('cp1', false), st('cp2', false, true, 'no')])).toBe('cp2: no kube-vip manifest');
    expect(failureCause('cp1', [st('cp1', false), { host: 'cp2', error: 'unreachable (timeout)' }])).toBe('cp2: unreachable (timeout)');
  });

  it('formats each step', () => {
    expect(formatFailover({ ok: false, mode: 'kube-vip', steps: [{ step: 'holder', ok: true, detail: 'cp1 holds' }, { step: 'moved', ok: false, detail: 'no' }] }))
      .toBe('failover (kube-vip):\n  ok   holder   cp1 holds\n  FAIL moved    no\nfailover: FAILED');
  });

  it('the scripts are valid sh; stop parks the manifest and restore puts it back only when parked', async () => {
    for (const s of [failoverStatusScript(inv), stopKubeVipScript(), restoreKubeVipScript()]) {
      expect((await execa('sh', ['-n'], { input: s, reject: false })).exitCode).toBe(0);
    }
    expect(stopKubeVipScript()).toBe('mv /etc/kubernetes/manifests/kube-vip.yaml /etc/kubernetes/kube-vip.yaml.provision-failover');
    expect(restoreKubeVipScript()).toMatch(/^if \[ -f \/etc\/kubernetes\/kube-vip.yaml.provision-failover \]; then mv /);
  });
});
