// Which netplan ID (and section) already defines an interface: a drop-in must merge into that ID, not add a new one.
import { parse } from 'yaml';
import { netplanSection } from './route-persistence.js';

export type NetplanSection = 'ethernets' | 'wifis' | 'bonds' | 'bridges' | 'vlans';
const SECTIONS: NetplanSection[] = ['ethernets', 'wifis', 'bonds', 'bridges', 'vlans'];

export interface NetplanId {
  section: NetplanSection;
  id: string;
}

/** netplan's `match: name:` is a shell glob. */
function globMatches(glob: string, name: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

function defines(id: string, def: unknown, iface: string, mac: string | undefined): boolean {
  const d = (def && typeof def === 'object' ? def : {}) as { match?: { name?: unknown; macaddress?: unknown }; 'set-name'?: unknown };
  if (d['set-name'] === iface) return true;
  if (d.match && typeof d.match === 'object') {
    const byName = typeof d.match.name === 'string' ? globMatches(d.match.name, iface) : undefined;
    const byMac = typeof d.match.macaddress === 'string' && mac ? d.match.macaddress.toLowerCase() === mac.toLowerCase() : undefined;
    // every given match key must hold (netplan ANDs them); an empty match matches nothing useful here
    const given = [byName, byMac].filter((x) => x !== undefined);
    return given.length > 0 && given.every(Boolean);
  }
  return id === iface;
}

/**
 * The ID of the definition that applies to `iface`, from the host's netplan files (in the order netplan reads them).
 * Without one, the interface name itself in its usual section — what netplan would create anyway.
 */
export function findNetplanId(files: string[], iface: string, mac?: string): NetplanId {
  for (const text of files) {
    let doc: unknown;
    try { doc = parse(text); } catch { continue; }
    const network = (doc as { network?: Record<string, unknown> } | null)?.network;
    if (!network || typeof network !== 'object') continue;
    for (const section of SECTIONS) {
      const defs = network[section];
      if (!defs || typeof defs !== 'object') continue;
      for (const [id, def] of Object.entries(defs as Record<string, unknown>)) {
        if (defines(id, def, iface, mac)) return { section, id };
      }
    }
  }
  return { section: netplanSection(iface), id: iface };
}
