// Renders how each network stack keeps the MetalLB routes across reboots (pure text; the module writes it).

export const IFUPDOWN_HOOK = '/etc/network/if-up.d/provision-metallb-routes';
export const NETPLAN_DROPIN = '/etc/netplan/90-provision-metallb.yaml';
export const NETWORKD_DROPIN_NAME = '90-provision-metallb.conf';

const HEADER = 'Managed by provision (metallb-route): routes the MetalLB pool on the node LAN. Re-run provision instead of editing.';

/**
 * ifupdown runs every /etc/network/if-up.d script after it brings an interface up, with $IFACE set.
 * A hook of our own never touches the user's iface stanzas (a second stanza for the same interface could).
 */
export function renderIfupdownHook(iface: string, cidrs: string[]): string {
  return [
    '#!/bin/sh',
    `# ${HEADER}`,
    `[ "$IFACE" = "${iface}" ] || exit 0`,
    ...cidrs.map((c) => `ip route replace ${c} dev ${iface} scope link`),
    '',
  ].join('\n');
}

/** The netplan section an interface name belongs to (netplan merges a device only within its own type). */
export function netplanSection(iface: string): 'ethernets' | 'wifis' | 'bonds' | 'bridges' | 'vlans' {
  if (iface.includes('.')) return 'vlans';
  if (/^bond/.test(iface)) return 'bonds';
  if (/^(br|virbr)/.test(iface)) return 'bridges';
  if (/^wl/.test(iface)) return 'wifis';
  return 'ethernets';
}

/**
 * A drop-in that netplan merges into the interface's definition; sequences such as `routes` are
 * concatenated across files, so the user's own routes (the default route) stay. `id` is the netplan ID that
 * already defines the interface (`id0` with `match` + `set-name: eth0`): a new ID named after the interface
 * would make `netplan generate` emit a second .network for it, without DHCP.
 */
export function renderNetplanDropin(target: { section: string; id: string } | string, cidrs: string[]): string {
  const { section, id } = typeof target === 'string' ? { section: netplanSection(target), id: target } : target;
  return [
    `# ${HEADER}`,
    'network:',
    '  version: 2',
    `  ${section}:`,
    `    ${/^[A-Za-z0-9_.@-]+$/.test(id) ? id : JSON.stringify(id)}:`,
    '      routes:',
    ...cidrs.flatMap((c) => [`        - to: ${c}`, '          scope: link']),
    '',
  ].join('\n');
}

/** A .network drop-in: one [Route] section per CIDR, on-link (no gateway). */
export function renderNetworkdDropin(cidrs: string[]): string {
  return [`# ${HEADER}`, ...cidrs.flatMap((c) => ['', '[Route]', `Destination=${c}`, 'Scope=link'])].join('\n') + '\n';
}

/** Where the networkd drop-in goes: next to the .network file that manages the link, always under /etc. */
export function networkdDropinPath(networkFile: string | undefined, iface: string): string {
  const base = networkFile ? networkFile.split('/').pop()! : `${iface}.network`;
  return `/etc/systemd/network/${base}.d/${NETWORKD_DROPIN_NAME}`;
}
