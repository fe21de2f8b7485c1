// The configuration objects for the three seed inventories: exact values, and every field checked against the upstream CRDs.
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadInventory } from '../../../../../src/inventory/load.js';
import type { Inventory } from '../../../../../src/inventory/types.js';
import { addonBundle } from '../../../../../src/modules/cluster/addons/bundle.js';
import type { K8sObject } from '../../../../../src/modules/cluster/addons/k8s-object.js';
import { ARTIFACTS } from '../../../../../src/modules/cluster/addons/versions.js';
import { CRDS, crdKey, schemaProblems } from './crd-schema.js';

const seed = async (name: string): Promise<Inventory> => {
  const r = await loadInventory(resolve(import.meta.dirname, `../../../../../inventory/${name}.yaml`));
  if (!r.inventory) throw new Error(`${name}: ${JSON.stringify(r.findings)}`);
  return r.inventory;
};

const objects = (inv: Inventory) => addonBundle(inv, ARTIFACTS).stages.flatMap((s) => s.objects);
const find = (objs: K8sObject[], kind: string, apiVersion?: string) => objs.find((o) => o.kind === kind && (!apiVersion || o.apiVersion === apiVersion));
const ids = (objs: K8sObject[]) => objs.map((o) => `${o.apiVersion} ${o.kind}`);

describe('every custom object fits its upstream CRD', () => {
  it.each(['homelab', 'goldentooth', 'flat-bgp'])('%s', async (name) => {
    for (const o of objects(await seed(name))) {
      if (o.apiVersion === 'v1') continue;
      const crd = CRDS[crdKey(o.apiVersion, o.kind)];
      expect(crd, `${o.apiVersion} ${o.kind} has an upstream CRD`).toBeDefined();
      expect(schemaProblems(o.spec ?? {}, crd!.spec), `${o.kind}/${o.metadata.name}`).toEqual([]);
    }
  });

  it('the checker catches a wrong field name and a wrong enum value', () => {
    const crd = CRDS['operator.tigera.io/v1/Installation']!.spec;
    expect(schemaProblems({ calicoNetwork: { ipPools: [{ cidr: '10.0.0.0/16', encapsulation: 'VXLANAlways' }] } }, crd)).toEqual([
      expect.stringContaining('spec.calicoNetwork.ipPools[0].encapsulation: "VXLANAlways" not in'),
    ]);
    expect(schemaProblems({ myASN: 1, peerASN: 2, peerAddress: '10.0.0.1', peerAsn: 1 }, CRDS['metallb.io/v1beta2/BGPPeer']!.spec)).toEqual([expect.stringMatching(/spec.peerAsn: no such field/)]);
  });
});

describe('homelab: flannel and MetalLB in L2 mode', () => {
  it('writes net-conf.json with the pod CIDR and backend, a pool and an L2Advertisement', async () => {
    const objs = objects(await seed('homelab'));
    expect(ids(objs)).toEqual(['v1 ConfigMap', 'metallb.io/v1beta1 IPAddressPool', 'metallb.io/v1beta1 L2Advertisement']);
    const cm = find(objs, 'ConfigMap')!;
    expect(cm.metadata).toMatchObject({ name: 'kube-flannel-cfg', namespace: 'kube-flannel' });
    expect(JSON.parse(cm.data!['net-conf.json']!)).toEqual({ Network: '10.244.0.0/16', EnableNFTables: false, Backend: { Type: 'vxlan' } });
    expect(find(objs, 'IPAddressPool')!.spec).toEqual({ addresses: ['192.168.1.240-192.168.1.250'] });
    expect(find(objs, 'L2Advertisement')!.spec).toEqual({ ipAddressPools: ['default'] });
  });
});

describe('goldentooth: Calico peers 10.4.0.1 (AS 64500) from AS 64501, MetalLB announces over BGP', () => {
  it('Installation, BGPConfiguration, BGPPeer, and MetalLB BGPPeer + BGPAdvertisement', async () => {
    const b = addonBundle(await seed('goldentooth'), ARTIFACTS);
    const objs = b.stages.flatMap((s) => s.objects);
    expect(find(objs, 'Installation')!.spec).toEqual({
      calicoNetwork: { bgp: 'Enabled', ipPools: [{ name: 'default-ipv4-ippool', cidr: '192.168.0.0/16', blockSize: 26, encapsulation: 'None', natOutgoing: 'Enabled', nodeSelector: 'all()' }] },
    });
    expect(find(objs, 'BGPConfiguration')!.spec).toEqual({ asNumber: 64501, nodeToNodeMeshEnabled: true, logSeverityScreen: 'Info' });
    expect(find(objs, 'BGPPeer', 'projectcalico.org/v3')!.spec).toEqual({ peerIP: '10.4.0.1', asNumber: 64500 });
    expect(find(objs, 'BGPPeer', 'metallb.io/v1beta2')!.spec).toEqual({ myASN: 64501, peerASN: 64500, peerAddress: '10.4.0.1' });
    expect(find(objs, 'BGPAdvertisement')!.spec).toEqual({ ipAddressPools: ['default'] });
    expect(find(objs, 'IPAddressPool')!.spec).toEqual({ addresses: ['10.4.11.0-10.4.15.254'] });
    expect(find(objs, 'L2Advertisement')).toBeUndefined();
    // the v3 objects wait for the Calico API server; the speaker is kept
    // the CNI first (MetalLB's controller needs a pod network), the v3 objects once Calico's API server answers
    expect(b.stages.map((s) => [s.name, s.waits.map((w) => w.what)])).toEqual([
      ['calico', ['crd/installations.operator.tigera.io', 'crd/apiservers.operator.tigera.io']],
      ['calico-bgp', ['apiservice/v3.projectcalico.org']],
      ['metallb', ['crd/ipaddresspools.metallb.io', 'crd/bgppeers.metallb.io', 'crd/bgpadvertisements.metallb.io', 'deployment/controller']],
    ]);
    expect(b.upstream.map((u) => [u.artifact.file, u.exclude])).toEqual([
      ['calico-v3.30.7-operator-crds.yaml', []], ['calico-v3.30.7-tigera-operator.yaml', []], ['metallb-v0.15.3-metallb-native.yaml', []],
    ]);
  });
});

describe('flat-bgp: Calico without encapsulation announces the pool, MetalLB only allocates', () => {
  it('serviceLoadBalancerIPs with the pool, one AS, no MetalLB advertisement, speaker left out', async () => {
    const b = addonBundle(await seed('flat-bgp'), ARTIFACTS);
    const objs = b.stages.flatMap((s) => s.objects);
    expect(find(objs, 'Installation')!.spec).toMatchObject({ calicoNetwork: { bgp: 'Enabled', ipPools: [{ cidr: '192.168.4.0/24', encapsulation: 'None' }] } });
    expect(find(objs, 'BGPConfiguration')!.spec).toEqual({ asNumber: 64512, nodeToNodeMeshEnabled: true, logSeverityScreen: 'Info', serviceLoadBalancerIPs: [{ cidr: '192.168.6.0/24' }] });
    expect(find(objs, 'BGPPeer', 'projectcalico.org/v3')!.spec).toEqual({ peerIP: '192.168.2.1', asNumber: 64512 });
    expect(ids(objs).filter((i) => i.startsWith('metallb'))).toEqual(['metallb.io/v1beta1 IPAddressPool']);
    expect(find(objs, 'IPAddressPool')!.spec).toEqual({ addresses: ['192.168.6.0/24'] });
    expect(b.upstream.find((u) => u.artifact.component === 'metallb')!.exclude).toEqual(['DaemonSet/metallb-system/speaker']);
  });
});

describe('encapsulation choice', () => {
  it('VXLANCrossSubnet without BGP (BGP off), the inventory value when set', async () => {
    const inv = await seed('homelab');
    const calico = { ...inv, network: { ...inv.network, cni: 'calico' as const } };
    expect(find(objects(calico), 'Installation')!.spec).toMatchObject({ calicoNetwork: { bgp: 'Disabled', ipPools: [{ encapsulation: 'VXLANCrossSubnet' }] } });
    const ipip = { ...calico, network: { ...calico.network, calico: { encapsulation: 'IPIP' as const } } };
    expect(find(objects(ipip), 'Installation')!.spec).toMatchObject({ calicoNetwork: { bgp: 'Enabled', ipPools: [{ encapsulation: 'IPIP' }] } });
    expect(find(objects(ipip), 'BGPConfiguration')).toBeUndefined();
  });
});
