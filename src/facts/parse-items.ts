// Parses the sections that answer modules' probe items: files, packages, services, commands.
import { createHash } from 'node:crypto';
import { FILE_CONTENT_CAP } from './probe-files.js';
import type { CommandFact, FileFact, PackageFact, ServiceFact } from '../core/types.js';

export function parseFile(body: string | undefined): FileFact {
  const lines = (body ?? '').split('\n');
  const stat = lines[0]?.trim() ?? '';
  if (!stat) return { exists: false };
  const m = /^([0-7]+) (\S+) (\S+) (\d+) (.+)$/.exec(stat);
  if (!m) return { exists: false };
  const fact: FileFact = { exists: true, mode: parseInt(m[1]!, 8), owner: m[2]!, group: m[3]! };
  if (!m[5]!.startsWith('regular')) return fact; // a directory, device...: stat only (%F says "regular [empty] file")
  // sha256sum prints "HEX  -": a file over the cap (or an older probe, whose line 3 is the base64 content).
  const sha = /^([0-9a-f]{64}) {2}-$/.exec(lines[1]?.trim() ?? '')?.[1];
  if (sha) {
    fact.sha256 = sha;
    const b64 = lines[2]?.trim();
    const small = Number(m[4]) <= FILE_CONTENT_CAP;
    if (small && b64 !== undefined && b64 !== 'TOOBIG') fact.content = Buffer.from(b64, 'base64').toString('utf8');
    return fact;
  }
  const bytes = Buffer.from((lines[1] ?? '').trim(), 'base64');
  fact.sha256 = createHash('sha256').update(bytes).digest('hex');
  fact.content = bytes.toString('utf8');
  return fact;
}

/** `${db:Status-Abbrev}\t${Version}`: e.g. "ii \t1.7.24" (installed) or "hi \t1.32.1-1.1" (held). */
export function parsePackage(body: string | undefined): PackageFact {
  const line = (body ?? '').split('\n')[0] ?? '';
  const [status = '', version = ''] = line.split('\t');
  const installed = status.length >= 2 && status[1] === 'i';
  // dpkg's selection state "h" is exactly what `apt-mark hold` sets.
  const held = status[0] === 'h';
  return installed ? { installed, version: version.trim(), held } : { installed: false, held };
}

const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'generated']);

/** `systemctl show -p LoadState,ActiveState,UnitFileState NAME` prints Key=Value lines. */
export function parseService(body: string | undefined): ServiceFact {
  const kv = new Map<string, string>();
  for (const line of (body ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const load = kv.get('LoadState') ?? '';
  const exists = load === 'loaded' || (load !== '' && load !== 'not-found' && kv.get('UnitFileState') !== '');
  const active = ['active', 'reloading', 'activating'].includes(kv.get('ActiveState') ?? '');
  return { exists: exists && load !== 'not-found', active, enabled: ENABLED_STATES.has(kv.get('UnitFileState') ?? '') };
}

export function parseCommand(body: string | undefined, rcBody: string | undefined): CommandFact {
  const code = Number.parseInt((rcBody ?? '').trim(), 10);
  return { code: Number.isFinite(code) ? code : 255, stdout: body ?? '' };
}
