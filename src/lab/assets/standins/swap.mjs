// Lab stand-in for swapoff/swapon: swap is a per-host record (boot turns on the swap lines of /etc/fstab), never the
// machine's swap; every reader sees it as the host's /proc/swaps (lib/swap-record.mjs).
import { readFileSync } from 'node:fs';
import { readSwaps as read, saveSwaps as save } from './lib/swap-record.mjs';

function fstabSwaps() {
  try {
    return readFileSync('/etc/fstab', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/\s+/)).filter((f) => f[2] === 'swap' && !(f[3] ?? '').split(',').includes('noauto')).map((f) => f[0]);
  } catch { return []; }
}
const prog = process.env.LAB_PROG ?? 'swapon';
const args = process.argv.slice(2);
const all = args.includes('-a') || args.includes('--all');
const devs = args.filter((a) => !a.startsWith('-'));
if (prog === 'swapoff') {
  save(all ? [] : read().filter((s) => !devs.includes(s)));
} else if (args.some((a) => a === '--show' || a.startsWith('--show=')) || args.includes('-s') || args.includes('--summary')) {
  const on = read();
  if (on.length) {
    if (args.includes('-s') || args.includes('--summary')) process.stdout.write('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' + on.map((s) => `${s}\t\t\t\tfile\t\t1048572\t\t0\t\t-2\n`).join(''));
    else {
      // --show[=COLUMNS] like util-linux: the default columns, or only those asked for, in that order.
      const row = { NAME: '', TYPE: 'file', SIZE: '1G', USED: '0B', PRIO: '-2' };
      const spec = args.find((a) => a.startsWith('--show='));
      const cols = spec ? spec.slice(7).split(',').map((c) => c.toUpperCase()).filter((c) => c in row) : Object.keys(row);
      const lines = on.map((s) => cols.map((c) => (c === 'NAME' ? s : row[c])).join(' '));
      if (!args.includes('--noheadings')) lines.unshift(cols.join(' '));
      process.stdout.write(lines.map((l) => `${l}\n`).join(''));
    }
  }
} else {
  const want = all ? fstabSwaps() : devs;
  save([...new Set([...read(), ...want])]);
}
