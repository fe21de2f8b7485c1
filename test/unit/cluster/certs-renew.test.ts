// The renewal script: manifests left out by a killed run go back first; renew, move out, wait, move back, API must answer.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { renewScript, RESTART_DIR } from '../../../src/cluster/certs-renew.js';

describe('renewScript', () => {
  const s = renewScript({ waitSeconds: 20, healthSeconds: 180, kubectl: 'kubectl --kubeconfig /etc/kubernetes/admin.conf' });
  it('restores first, renews, restarts each static pod by moving its manifest out for the wait, then checks the API', () => {
    const at = (x: string) => s.indexOf(x);
    expect(at(`for f in ${RESTART_DIR}/*.yaml`)).toBeGreaterThan(-1);
    expect(at(`for f in ${RESTART_DIR}/*.yaml`)).toBeLessThan(at('kubeadm certs renew all'));
    expect(at('kubeadm certs renew all')).toBeLessThan(at('for p in kube-apiserver kube-controller-manager kube-scheduler etcd'));
    expect(at('sleep 20')).toBeGreaterThan(at('for p in kube-apiserver'));
    expect(s.lastIndexOf(`for f in ${RESTART_DIR}/*.yaml`)).toBeGreaterThan(at('sleep 20'));
    expect(s).toContain('until kubectl --kubeconfig /etc/kubernetes/admin.conf version');
  });
  it('is valid sh', async () => {
    const r = await execa('sh', ['-n', '-c', s], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});
