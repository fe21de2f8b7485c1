// Rules across hosts: what Kubernetes needs unique per node (hostname, machine-id, product_uuid, MAC) really is.
import type { PreflightFacts } from '../facts/parse-preflight.js';
import { interfaceWith, type PreflightContext, type PreflightRule } from './context.js';

interface Identity {
  code: string;
  what: string;
  read: (f: PreflightFacts, address: string) => string | undefined;
  hint: string;
}

const IDENTITIES: Identity[] = [
  { code: 'duplicate-hostname', what: 'hostname', read: (f) => f.hostname || undefined, hint: 'every node needs its own hostname (the node name): `provision up` sets it from the inventory name, or run hostnamectl set-hostname' },
  { code: 'duplicate-machine-id', what: 'machine-id', read: (f) => f.machineId, hint: 'a cloned disk or SD card: on the copy run `rm /etc/machine-id && systemd-machine-id-setup` (and reboot)' },
  { code: 'duplicate-product-uuid', what: 'product_uuid', read: (f) => f.productUuid, hint: 'kubeadm needs a unique product_uuid: cloned VMs share one; give each VM its own UUID (the hypervisor\'s setting)' },
  { code: 'duplicate-serial', what: 'board serial number', read: (f) => f.serial, hint: 'two boards report the same serial: check that the inventory does not reach one board under two names' },
  { code: 'duplicate-mac', what: 'MAC of the node interface', read: (f, address) => interfaceWith(f, address)?.mac, hint: 'cloned VMs or a MAC set in configuration: give each node interface its own MAC' },
];

export const checkUnique: PreflightRule = (ctx: PreflightContext) => {
  for (const id of IDENTITIES) {
    const byValue = new Map<string, string[]>();
    for (const { host, facts } of ctx.probed) {
      const v = id.read(facts, host.address);
      if (v) byValue.set(v, [...(byValue.get(v) ?? []), host.name]);
    }
    for (const [value, names] of byValue) {
      if (names.length < 2) continue;
      for (const name of names) {
        const others = names.filter((n) => n !== name);
        ctx.report('error', id.code, name, `${id.what} ${value} is also ${others.join(', ')}'s`, id.hint);
      }
    }
  }
};
