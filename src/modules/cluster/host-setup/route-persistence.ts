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

/** What the link probe printed: the device, NetworkManager's connection and its routes, networkd's file. */
export interface LinkProbe {
  dev?: string;
  nmConnection?: string;
  nmRoutes: string[];
  networkdFile?: string;
  networkdDropin?: string;
  /** The device's MAC (netplan `match: macaddress`). */
  mac?: string;
  /** The host's netplan files except our own drop-in, in the order netplan reads them. */
  netplanFiles: string[];
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
    '[ -n "$dev" ] && echo "mac=$(cat "/sys/class/net/$dev/address" 2>/dev/null)"',
    // netplan's own order: by file name across /lib, /etc and /run (a later directory shadows the same name).
    `if [ -d /etc/netplan ]; then for n in $(ls /lib/netplan /etc/netplan /run/netplan 2>/dev/null | grep '\\.yaml$' | sort -u); do`,
    `  [ "$n" = ${NETPLAN_DROPIN.split('/').pop()} ] && continue`,
    '  f=""; for d in /lib/netplan /etc/netplan /run/netplan; do [ -f "$d/$n" ] && f="$d/$n"; done',
    '  [ -n "$f" ] && { echo "netplan-file<<EOF"; cat "$f"; echo; echo "EOF"; }',
    'done; fi',
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
  const out: LinkProbe = { nmRoutes: [], netplanFiles: [] };
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === 'netplan-file<<EOF') {
      const end = lines.indexOf('EOF', i + 1);
      out.netplanFiles.push(lines.slice(i + 1, end === -1 ? lines.length : end).join('\n'));
      i = end === -1 ? lines.length : end;
      continue;
    }
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
    else if (key === 'mac') out.mac = value;
  }
  return out;
}
