// The facts `provision render` plans with when it cannot connect: a fresh Debian 12 host on ifupdown with eth0,
// or a host's real base facts from `provision facts --json` (--facts FILE). Files written earlier are seen later.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { itemId } from '../facts/probe.js';
import { factKey } from '../core/fact-key.js';
import type { BaseFacts, Facts, FileFact, ProbeItem } from '../core/types.js';
import type { Host } from '../inventory/types.js';

export function assumedBase(host: Host): BaseFacts {
  return {
    hostname: host.name,
    bootId: '00000000-0000-0000-0000-000000000000',
    os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm) (assumed by provision render)', codename: 'bookworm' },
    arch: host.arch ?? 'amd64',
    kernel: '6.1.0',
    initSystem: 'systemd',
    networkStack: 'ifupdown',
    primaryInterface: 'eth0',
    primaryAddress: host.address,
    routes: [],
    board: host.board ?? 'generic',
  };
}

/** Files a fresh host of this board already has (a Raspberry Pi OS kernel command line on the boot partition). */
export function assumedFiles(host: Host, base: BaseFacts): Map<string, string> {
  if (base.board !== 'raspberry-pi') return new Map();
  return new Map([['/boot/firmware/cmdline.txt', 'console=serial0,115200 console=tty1 root=PARTUUID=00000000-02 rootfstype=ext4 fsck.repair=yes rootwait\n']]);
}

/** Base facts per host from `provision facts --json` output ({hosts: {NAME: BaseFacts | {error}}}). */
export function readFactsFile(path: string): Map<string, BaseFacts> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`--facts ${path}: ${(e as Error).message}`);
  }
  const hosts = (doc as { hosts?: Record<string, unknown> } | null)?.hosts;
  if (!hosts || typeof hosts !== 'object') throw new Error(`--facts ${path}: expected the output of 'provision facts --json' ({"hosts": {...}})`);
  const out = new Map<string, BaseFacts>();
  for (const [name, f] of Object.entries(hosts)) {
    const b = f as Partial<BaseFacts> & { error?: string };
    if (b.error !== undefined) continue;
    if (!b.os || !b.networkStack || !Array.isArray(b.routes)) throw new Error(`--facts ${path}: host ${name} has no os/networkStack/routes: not 'provision facts --json' output`);
    // An older facts file has no codename: os-release's VERSION_CODENAME unknown reads as none.
    out.set(name, { ...b, os: { ...b.os, codename: (b.os as Partial<BaseFacts['os']>).codename ?? '' } } as BaseFacts);
  }
  return out;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A bare host's answers for every probe item, except files render has "written" already on this host. */
export function renderFacts(base: BaseFacts, items: ProbeItem[], written: ReadonlyMap<string, string>): Facts {
  const file = (path: string): FileFact => {
    const c = written.get(path);
    return c === undefined ? { exists: false } : { exists: true, content: c, sha256: sha256(c), mode: 0o644, owner: 'root', group: 'root' };
  };
  const declared = new Set(items.map(itemId));
  const prefix: Record<ProbeItem['kind'], string> = { file: 'f', package: 'p', service: 's', command: 'c', fact: 'k' };
  const guard = <T>(kind: ProbeItem['kind'], f: (k: string) => T) => (k: string): T => {
    if (!declared.has(`${prefix[kind]}:${k}`)) throw new Error(`${kind} fact '${k}' was not probed (declare it in the module's probe())`);
    return f(k);
  };
  return {
    base,
    file: guard('file', file),
    package: guard('package', () => ({ installed: false, held: false })),
    service: guard('service', () => ({ exists: false, active: false, enabled: false })),
    command: guard('command', () => ({ code: 1, stdout: '' })),
    // A bare host answers every fact kind's script with nothing (exit 1), as a command does.
    fact: (kind, args) => kind.parse(guard('fact', () => ({ code: 1, stdout: '' }))(factKey(kind.name, args)), args),
  };
}
