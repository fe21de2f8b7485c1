// A lab host's swap: a per-host record (the machine's swap is never touched), shown to every reader as the host's own
// /proc/swaps: the record in /proc/swaps' format, bound over /proc/swaps in the host's mount namespace.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const RECORD = '/run/lab/swaps';
const PROC_VIEW = '/run/lab/proc-swaps';

export function readSwaps() {
  try { return readFileSync(RECORD, 'utf8').split('\n').filter(Boolean); } catch { return []; }
}

/** /proc/swaps escapes a space, tab, newline and backslash in a name as octal (\040...), like the kernel's seq_file. */
const escapeName = (s) => s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

function procView(list) {
  const head = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';
  return head + list.map((s, i) => `${escapeName(s).padEnd(40)}file\t\t1048572\t\t0\t\t-${i + 2}\n`).join('');
}

function bound() {
  try { return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === '/proc/swaps'); } catch { return false; }
}

/** Saves the record and the /proc/swaps view (the bind is made once; later writes show through it). */
export function saveSwaps(list) {
  mkdirSync('/run/lab', { recursive: true, mode: 0o755 });
  writeFileSync(RECORD, list.map((s) => `${s}\n`).join(''));
  writeFileSync(PROC_VIEW, procView(list));
  if (!bound()) {
    const r = spawnSync('mount', ['--bind', PROC_VIEW, '/proc/swaps'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`lab: cannot show this host's swap record as /proc/swaps: ${r.stderr.trim() || r.error?.message}`);
  }
}
