// Parses the always-on base sections of a probe (os, arch, boot id, network stack, routes, board).
import type { BaseFacts } from '../core/types.js';
import { detectNetworkStack } from './network-stack.js';
import { ARCH_LINE, PACKAGES_SECTION } from './probe-packages.js';

type Sections = ReadonlyMap<string, string>;
type Route = BaseFacts['routes'][number];

/** /etc/os-release: KEY=value lines, values optionally quoted with shell-style escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

export function parseJson(text: string | undefined): unknown {
  if (!text?.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `ip -j route` → routes; anything unparsable (old iproute2 without -j) gives an empty list. */
export function parseRoutes(text: string | undefined): Route[] {
  const json = parseJson(text);
  if (!Array.isArray(json)) return [];
  return json.flatMap((r: Record<string, unknown>) => {
    if (typeof r?.dst !== 'string') return [];
    const route: Route = { dst: r.dst };
    if (typeof r.dev === 'string') route.dev = r.dev;
    if (typeof r.gateway === 'string') route.gateway = r.gateway;
    if (typeof r.protocol === 'string') route.protocol = r.protocol;
    return [route];
  });
}

/** Primary interface: the route to network.nodes (from `ip -j route get`), else the default route. */
function primary(sections: Sections, routes: Route[]): { dev?: string; src?: string } {
  const got = parseJson(sections.get('base.routeget'));
  const first = Array.isArray(got) ? (got[0] as Record<string, unknown> | undefined) : undefined;
  if (first && typeof first.dev === 'string' && first.dev !== 'lo') {
    return { dev: first.dev, src: typeof first.prefsrc === 'string' ? first.prefsrc : undefined };
  }
  const def = routes.find((r) => r.dst === 'default');
  return { dev: def?.dev };
}

/** uname -m names (a host without dpkg) → Debian architecture names. */
export function debianArch(arch: string): string {
  return ({ x86_64: 'amd64', aarch64: 'arm64', armv7l: 'armhf' } as Record<string, string>)[arch] ?? arch;
}

/** The host's (Debian) architecture: dpkg's from the packages batch when the probe read packages (ARCH_LINE), else base's own line. */
export function archOf(sections: Sections): string {
  const fromPackages = new RegExp(`^${ARCH_LINE}\\t(\\S+)$`, 'm').exec(sections.get(PACKAGES_SECTION) ?? '')?.[1];
  return debianArch(fromPackages ?? (sections.get('base.arch') ?? '').split('\n')[0]!.trim());
}

export function parseBase(sections: Sections): BaseFacts {
  const line = (id: string) => (sections.get(id) ?? '').split('\n')[0]!.trim();
  const os = parseOsRelease(sections.get('base.osrelease') ?? '');
  const routes = parseRoutes(sections.get('base.routes'));
  const p = primary(sections, routes);
  const model = sections.get('base.model') ?? '';

  const base: BaseFacts = {
    hostname: line('base.hostname'),
    bootId: line('base.bootid'),
    os: { id: os.ID ?? 'unknown', versionId: os.VERSION_ID ?? '', prettyName: os.PRETTY_NAME ?? os.NAME ?? '', codename: os.VERSION_CODENAME ?? '' },
    arch: archOf(sections),
    kernel: line('base.kernel'),
    initSystem: line('base.init') === 'systemd' ? 'systemd' : 'other',
    networkStack: detectNetworkStack(sections),
    routes,
    board: /raspberry pi/i.test(model) ? 'raspberry-pi' : 'generic',
  };
  if (p.dev) base.primaryInterface = p.dev;
  if (p.src) base.primaryAddress = p.src;
  return base;
}
