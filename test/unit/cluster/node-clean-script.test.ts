// The node cleaning scripts are valid sh (dash checks them; they never run here: they delete /etc/kubernetes) and name
// every CNI leftover a later join trips on, while leaving provision's own firewall table alone.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLUSTER_PATHS, CNI_LINKS, parseDirty, renderCleanScript, renderDirtyProbe } from '../../../src/cluster/node-clean-script.js';

describe('node cleaning scripts', () => {
  it.each([['probe', renderDirtyProbe()], ['clean', renderCleanScript()]])('%s parses with sh -n', async (_n, script) => {
    const r = await execa('sh', ['-n', '-c', script], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
  it('clean removes the directories kubeadm reset keeps and the CNI links; never the inet provision table', () => {
    const s = renderCleanScript();
    for (const p of ['/etc/cni/net.d', '/var/lib/etcd', '/var/lib/kubelet', '/var/lib/cni']) expect(CLUSTER_PATHS).toContain(p);
    for (const l of ['cni0', 'flannel.1', 'tunl0', 'vxlan.calico']) expect(CNI_LINKS).toContain(l);
    expect(s).toContain('kubeadm reset -f');
    expect(s).toMatch(/kube-proxy\|calico/);
    expect(s).not.toMatch(/provision\)/);
  });
  it('parseDirty reads the D lines only', () => {
    expect(parseDirty('D\t/etc/kubernetes\nnoise\nD\tlink cni0\n')).toEqual(['/etc/kubernetes', 'link cni0']);
    expect(parseDirty('')).toEqual([]);
  });
});
