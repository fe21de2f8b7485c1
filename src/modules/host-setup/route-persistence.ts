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
 * concatenated across files, so the user's own routes (the default route) stay.
 */
export function renderNetplanDropin(iface: string, cidrs: string[]): string {
  return [
    `# ${HEADER}`,
    'network:',
    '  version: 2',
    `  ${netplanSection(iface)}:`,
    `    ${iface}:`,
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

/** What the link probe printed: the device, NetworkManager's connection and its routes, networkd's file. */
export interface LinkProbe {
  dev?: string;
  nmConnection?: string;
  nmRoutes: string[];
  networkdFile?: string;
  networkdDropin?: string;
}

/** The probe script: one exec that answers everything metallb-route needs about the primary link. */
export function linkProbeScript(gateway: string): string {
  return [
    `dev=$(ip -o route get ${gateway} 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p')`,
    'echo "dev=$dev"',
    'if [ -n "$dev" ] && command -v nmcli >/dev/null 2>&1; then',
    '  con=$(nmcli -g GENERAL.CONNECTION device show "$dev" 2>/dev/null | head -n 1)',
    '  echo "nm-connection=$con"',
    '  [ -n "$con" ] && echo "nm-routes=$(nmcli -g ipv4.routes connection show "$con" 2>/dev/null)"',
    'fi',
    // networkd writes its state file once it runs: without it no .network file is in use, and networkctl
    // (milliseconds per call) would only say so.
    'if [ -n "$dev" ] && [ -e /run/systemd/netif/state ] && command -v networkctl >/dev/null 2>&1; then',
    `  nf=$(networkctl status "$dev" --no-pager 2>/dev/null | sed -n 's/^ *Network File: //p' | head -n 1)`,
    '  echo "networkd-file=$nf"',
    `  [ -n "$nf" ] && d="/etc/systemd/network/$(basename "$nf").d/${NETWORKD_DROPIN_NAME}" || d="/etc/systemd/network/$dev.network.d/${NETWORKD_DROPIN_NAME}"`,
    '  if [ -f "$d" ]; then echo "networkd-dropin<<EOF"; cat "$d"; echo "EOF"; fi',
    'fi',
    'true',
  ].join('\n');
}

export function parseLinkProbe(stdout: string): LinkProbe {
  const out: LinkProbe = { nmRoutes: [] };
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'networkd-dropin<<EOF') {
      const end = lines.indexOf('EOF', i + 1);
      const body = lines.slice(i + 1, end === -1 ? lines.length : end);
      out.networkdDropin = body.join('\n') + '\n';
      i = end === -1 ? lines.length : end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (!value || value === '--') continue;
    if (key === 'dev') out.dev = value;
    else if (key === 'nm-connection') out.nmConnection = value;
    else if (key === 'nm-routes') out.nmRoutes = value.split(',').map((r) => r.trim().split(/\s+/)[0]!).filter(Boolean);
    else if (key === 'networkd-file') out.networkdFile = value;
  }
  return out;
}
