// The four network stacks a lab host can boot with: the files that give eth0 its address at boot, and the units to enable (pure).

export const STACKS = ['ifupdown', 'networkmanager', 'netplan', 'systemd-networkd'] as const;
export type Stack = (typeof STACKS)[number];

export interface StackFiles {
  files: Array<{ path: string; content: string; mode: number }>;
  /** Units enabled for this stack (by their [Install] sections). */
  enable: string[];
}

/** `--stack STACK` (every host) and `--stack HOST=STACK` (one host), in order: the later wins. */
export function parseStackArgs(args: string[], hosts: string[]): { all: Stack; byHost: Record<string, Stack> } {
  let all: Stack = 'ifupdown';
  const byHost: Record<string, Stack> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    const host = eq < 0 ? undefined : a.slice(0, eq);
    const stack = eq < 0 ? a : a.slice(eq + 1);
    if (!(STACKS as readonly string[]).includes(stack)) throw new Error(`--stack ${a}: unknown stack '${stack}' (${STACKS.join(', ')})`);
    if (host === undefined) {
      all = stack as Stack;
      for (const h of Object.keys(byHost)) delete byHost[h];
    } else if (!hosts.includes(host)) throw new Error(`--stack ${a}: no host '${host}' in the inventory`);
    else byHost[host] = stack as Stack;
  }
  return { all, byHost };
}

const LO_ONLY = ['# The loopback network interface', 'auto lo', 'iface lo inet loopback', ''].join('\n');

export function stackFiles(stack: Stack, cidr: string, gateway: string, iface = 'eth0'): StackFiles {
  switch (stack) {
    case 'ifupdown':
      return {
        files: [{
          path: '/etc/network/interfaces',
          content: ['# provision lab: this host\'s network, configured by ifupdown (networking.service) at boot', 'source /etc/network/interfaces.d/*', '', LO_ONLY, `auto ${iface}`, `iface ${iface} inet static`, `    address ${cidr}`, `    gateway ${gateway}`, ''].join('\n'),
          mode: 0o644,
        }],
        enable: ['networking.service'],
      };
    case 'networkmanager':
      return {
        files: [
          { path: '/etc/network/interfaces', content: `source /etc/network/interfaces.d/*\n\n${LO_ONLY}`, mode: 0o644 },
          {
            path: `/etc/NetworkManager/system-connections/${iface}.nmconnection`,
            content: ['[connection]', `id=${iface}`, 'uuid=' + uuidFor(cidr), 'type=ethernet', `interface-name=${iface}`, 'autoconnect=true', '', '[ethernet]', '', '[ipv4]', 'method=manual', `address1=${cidr},${gateway}`, '', '[ipv6]', 'method=disabled', ''].join('\n'),
            mode: 0o600,
          },
        ],
        enable: ['NetworkManager.service'],
      };
    case 'netplan':
      return {
        files: [
          { path: '/etc/network/interfaces', content: `source /etc/network/interfaces.d/*\n\n${LO_ONLY}`, mode: 0o644 },
          {
            path: '/etc/netplan/50-lab.yaml',
            content: ['# provision lab: this host\'s network, rendered by netplan for systemd-networkd at boot', 'network:', '  version: 2', '  renderer: networkd', '  ethernets:', `    ${iface}:`, `      addresses: [${cidr}]`, '      routes:', `        - to: default`, `          via: ${gateway}`, ''].join('\n'),
            mode: 0o600,
          },
        ],
        enable: ['systemd-networkd.service'],
      };
    case 'systemd-networkd':
      return {
        files: [
          { path: '/etc/network/interfaces', content: `source /etc/network/interfaces.d/*\n\n${LO_ONLY}`, mode: 0o644 },
          { path: `/etc/systemd/network/10-${iface}.network`, content: ['# provision lab: this host\'s network, configured by systemd-networkd at boot', '[Match]', `Name=${iface}`, '', '[Network]', `Address=${cidr}`, `Gateway=${gateway}`, ''].join('\n'), mode: 0o644 },
        ],
        enable: ['systemd-networkd.service'],
      };
  }
}

/** A stable UUID for a keyfile (NetworkManager wants one), derived from the address. */
function uuidFor(seed: string): string {
  let h = 0x811c9dc5;
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) {
    for (const c of `${seed}/${i}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    bytes.push(h & 0xff);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The symlinks `systemctl enable UNIT` makes, read from the unit's [Install] section (WantedBy, RequiredBy, Alias, Also). */
export function installLinks(unit: string, read: (unit: string) => string | undefined, seen = new Set<string>()): Array<{ link: string; target: string }> {
  if (seen.has(unit)) return [];
  seen.add(unit);
  const text = read(unit);
  if (text === undefined) throw new Error(`no unit file ${unit} in the base root`);
  const install = /^\[Install\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? '';
  const values = (key: string) => [...install.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].flatMap((m) => m[1]!.trim().split(/\s+/)).filter(Boolean);
  const target = `/lib/systemd/system/${unit}`;
  const links = [
    ...values('WantedBy').map((t) => ({ link: `/etc/systemd/system/${t}.wants/${unit}`, target })),
    ...values('RequiredBy').map((t) => ({ link: `/etc/systemd/system/${t}.requires/${unit}`, target })),
    ...values('Alias').map((a) => ({ link: `/etc/systemd/system/${a}`, target })),
  ];
  for (const also of values('Also')) links.push(...installLinks(also, read, seen));
  return links;
}
