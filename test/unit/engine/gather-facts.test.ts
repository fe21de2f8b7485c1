// `provision facts` reads every fact kind a module can declare, in the one probe per host (real sh on this machine).
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { gatherFacts } from '../../../src/engine/gather-facts.js';
import { FACT_KINDS } from '../../../src/facts/kinds/index.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { LocalHosts } from './local-hosts.js';

describe('gatherFacts', () => {
  const hosts = new LocalHosts();
  afterAll(() => rmSync(hosts.root, { recursive: true, force: true }));

  it('shows the base facts and every fact kind, with the args provision uses, in one exec per host', async () => {
    const inventory = fakeInventory();
    const [r] = await gatherFacts({ inventory, hosts: [inventory.hosts[0]!], connector: hosts });
    if (!r || 'error' in r) throw new Error(`no facts: ${JSON.stringify(r)}`);
    expect(Object.keys(r.kinds).sort()).toEqual(FACT_KINDS.map((k) => k.name).sort());
    expect(r.kinds['sysctl']?.args).toEqual({ names: ['net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables'] });
    expect((r.kinds['net-links']?.value as { names?: string[] }).names).toContain('lo');
    expect(r.kinds['primary-link']?.args).toMatchObject({ gateway: inventory.network.gateway });
    // netplan files may hold Wi-Fi passwords: only their number is shown.
    expect(typeof (r.kinds['primary-link']?.value as { netplanFiles: unknown }).netplanFiles).toBe('number');
    expect(hosts.log.filter((l) => l.host === inventory.hosts[0]!.name)).toHaveLength(1);
  }, 60_000);
});
