// A lab host's kernel modules: a per-host record (nothing is loaded into the machine's kernel), shown to every reader
// as the host's own /sys/module: a directory per machine module and per recorded one, bound over /sys/module in the
// host's mount namespace (a loaded module always has /sys/module/NAME; provision's kernel-modules fact reads that).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const RECORD = '/run/lab/modules';
const VIEW = '/run/lab/sys-module';
/** The machine's own modules, listed when the view is first made (before it hides them). */
const MACHINE = '/run/lab/machine-modules';

export function readModules() {
  try { return readFileSync(RECORD, 'utf8').split('\n').filter(Boolean); } catch { return []; }
}

function bound() {
  try { return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === '/sys/module'); } catch { return false; }
}

/** Saves the record and brings the /sys/module view in line with it (the bind is made once). */
export function saveModules(list) {
  mkdirSync('/run/lab', { recursive: true, mode: 0o755 });
  writeFileSync(RECORD, list.map((m) => `${m}\n`).join(''));
  if (!existsSync(MACHINE)) writeFileSync(MACHINE, (bound() ? [] : readdirSync('/sys/module')).map((m) => `${m}\n`).join(''));
  const machine = readFileSync(MACHINE, 'utf8').split('\n').filter(Boolean);
  const want = new Set([...machine, ...list]);
  mkdirSync(VIEW, { recursive: true, mode: 0o755 });
  for (const m of readdirSync(VIEW)) if (!want.has(m)) rmdirSync(`${VIEW}/${m}`);
  for (const m of want) mkdirSync(`${VIEW}/${m}`, { recursive: true, mode: 0o755 });
  if (!bound()) {
    const r = spawnSync('mount', ['--bind', VIEW, '/sys/module'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`lab: cannot show this host's module record as /sys/module: ${r.stderr.trim() || r.error?.message}`);
  }
}
