// A lab host's kernel modules: a per-host record (nothing is loaded into the machine's kernel), shown to every reader
// as the host's own /sys/module: a directory per recorded module, in the lab's per-host dir that nspawn binds there
// (nspawn itself shows no /sys/module). A loaded module always has /sys/module/NAME on a real kernel; provision's
// kernel-modules fact reads that.
import { mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';

const RECORD = '/run/lab/modules';
const VIEW = '/sys/module';

export function readModules() {
  try { return readFileSync(RECORD, 'utf8').split('\n').filter(Boolean); } catch { return []; }
}

/** Saves the record and brings /sys/module in line with it (at boot it starts from modules-load.d alone). */
export function saveModules(list) {
  mkdirSync('/run/lab', { recursive: true, mode: 0o755 });
  writeFileSync(RECORD, list.map((m) => `${m}\n`).join(''));
  const want = new Set(list);
  for (const m of readdirSync(VIEW)) if (!want.has(m)) rmdirSync(`${VIEW}/${m}`);
  for (const m of want) mkdirSync(`${VIEW}/${m}`, { recursive: true, mode: 0o755 });
}
