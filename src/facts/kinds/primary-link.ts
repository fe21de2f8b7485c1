// Fact kind `primary-link`: the link that reaches the gateway: device, MAC, NetworkManager connection and routes,
// netplan files, networkd's .network file and a provision drop-in beside it (one script; metallb-route persists routes).
import { quote } from '../../core/command.js';
import type { FactKind } from '../../core/types.js';
import { routeDevVar } from '../route-dev-var.js';

export interface PrimaryLinkArgs {
  gateway: string;
  /** provision's own netplan drop-in (file name): left out of netplanFiles. */
  ownNetplanFile: string;
  /** provision's networkd drop-in file name, read beside the .network file in use. */
  networkdDropinName: string;
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

/**
 * The probe script: everything metallb-route needs about the primary link, with builtins around the real programs
 * (ip; nmcli and networkctl only where they run): no sed, head, cat, ls, sort or basename processes.
 */
export function linkProbeScript(a: PrimaryLinkArgs): string {
  return [
    // The device of the route to the gateway: base's one `ip` read it when the probe carried base (see routeDevVar);
    // else `ip -o route get` prints one line, "ADDR via GW dev DEV src …", and the word after "dev" is the device.
    `if [ "\${${routeDevVar(a.gateway) ?? 'P_dev_none'}+set}" = set ]; then dev=$${routeDevVar(a.gateway) ?? 'P_dev_none'}; else`,
    `dev=; r=$(ip -o route get ${quote(a.gateway)} 2>/dev/null); set -- $r; while [ $# -gt 1 ]; do [ "$1" = dev ] && { dev=$2; break; }; shift; done; set --; fi`,
    'echo "dev=$dev"',
    // nmcli only where NetworkManager runs (base's process scan set P_nm; without base, wherever nmcli is installed).
    'if [ -n "$dev" ] && [ "${P_nm-1}" = 1 ] && command -v nmcli >/dev/null 2>&1; then',
    '  con=; read -r con <<PROVISION_NM_END',
    '$(nmcli -g GENERAL.CONNECTION device show "$dev" 2>/dev/null)',
    'PROVISION_NM_END',
    '  echo "nm-connection=$con"',
    '  [ -n "$con" ] && echo "nm-routes=$(nmcli -g ipv4.routes connection show "$con" 2>/dev/null)"',
    'fi',
    'if [ -n "$dev" ]; then v=; read -r v < "/sys/class/net/$dev/address" 2>/dev/null; echo "mac=$v"; fi',
    // netplan's own order: by file name across /lib, /etc and /run (a later directory shadows the same name). The
    // glob gives each directory's names sorted; one `sort` only when more than one directory has files (rare).
    'if [ -d /etc/netplan ]; then',
    '  l=; k=; for d in /lib/netplan /etc/netplan /run/netplan; do h=; for f in "$d"/*.yaml; do [ -e "$f" ] || continue; h=1; n=${f##*/}; case " $l " in *" $n "*) ;; *) l="$l $n";; esac; done; [ -n "$h" ] && k=$k.; done',
    '  [ "${#k}" -gt 1 ] && l=$(printf \'%s\\n\' $l | LC_ALL=C sort)',
    '  for n in $l; do',
    `    [ "$n" = ${quote(a.ownNetplanFile)} ] && continue`,
    '    f=""; for d in /lib/netplan /etc/netplan /run/netplan; do [ -f "$d/$n" ] && f="$d/$n"; done',
    '    [ -n "$f" ] && { echo "netplan-file<<EOF"; x=; while IFS= read -r x; do printf \'%s\\n\' "$x"; done < "$f"; printf \'%s\\n\' "$x"; echo "EOF"; }',
    '  done',
    'fi',
    // networkd writes its state file once it runs: without it no .network file is in use, and networkctl
    // (milliseconds per call) would only say so.
    'if [ -n "$dev" ] && [ -e /run/systemd/netif/state ] && command -v networkctl >/dev/null 2>&1; then',
    '  nf=; while read -r k1 k2 v; do [ "$k1 $k2" = "Network File:" ] && { nf=$v; break; }; done <<PROVISION_NETWORKD_END',
    '$(networkctl status "$dev" --no-pager 2>/dev/null)',
    'PROVISION_NETWORKD_END',
    '  echo "networkd-file=$nf"',
    `  [ -n "$nf" ] && d="/etc/systemd/network/\${nf##*/}.d/${a.networkdDropinName}" || d="/etc/systemd/network/$dev.network.d/${a.networkdDropinName}"`,
    '  if [ -f "$d" ]; then echo "networkd-dropin<<EOF"; x=; while IFS= read -r x; do printf \'%s\\n\' "$x"; done < "$d"; printf \'%s\' "$x"; echo "EOF"; fi',
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

export const primaryLink: FactKind<PrimaryLinkArgs, LinkProbe> = {
  name: 'primary-link',
  about: "the link to the gateway: device, MAC, NetworkManager connection and routes, netplan files, networkd's file",
  script: linkProbeScript,
  parse: (out) => parseLinkProbe(out.stdout),
  // netplan files can hold Wi-Fi passwords: `provision facts` shows how many, not what they say.
  display: ({ netplanFiles, networkdDropin, ...rest }) => ({ ...rest, netplanFiles: netplanFiles.length, ...(networkdDropin === undefined ? {} : { networkdDropin: 'present' }) }),
  shown: (inventory) => ({ gateway: inventory.network.gateway, ownNetplanFile: '90-provision-metallb.yaml', networkdDropinName: '90-provision-metallb.conf' }),
};
