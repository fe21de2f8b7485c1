// Decides which network stack persists a host's configuration (where a persisted route must go).
import type { BaseFacts } from '../core/types.js';

/**
 * Order and tie-breaks (first match wins):
 * 1. netplan: a YAML file in /etc/netplan other than NetworkManager's own 90-NM-* exports — netplan
 *    then renders networkd or NM config, so netplan is the source of truth.
 * 2. networkmanager: the NetworkManager daemon is running (Raspberry Pi OS bookworm, desktops).
 * 3. systemd-networkd: the systemd-networkd daemon is running.
 * (Running daemons are read from /proc/PID/comm, which equals "service active" without the cost of systemctl.)
 * 4. ifupdown: /etc/network/interfaces (or interfaces.d) has an `iface` stanza for something other than lo.
 * 5. unknown.
 */
export function detectNetworkStack(sections: ReadonlyMap<string, string>): BaseFacts['networkStack'] {
  const netplan = (sections.get('base.netplan') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  if (netplan.some((f) => !/\/90-NM-[^/]*$/.test(f))) return 'netplan';
  const procs = new Set((sections.get('base.procs') ?? '').split('\n').map((l) => l.trim()));
  if (procs.has('NetworkManager')) return 'networkmanager';
  if (procs.has('systemd-network')) return 'systemd-networkd';
  const ifaces = (sections.get('base.ifupdown') ?? '').split('\n').map((l) => /^\s*iface\s+(\S+)/.exec(l)?.[1]);
  if (ifaces.some((i) => i !== undefined && i !== 'lo')) return 'ifupdown';
  return 'unknown';
}
