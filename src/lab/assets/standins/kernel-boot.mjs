// At boot (provision-lab-kernel.service, sysinit), what the kernel would do for a host's state that is global to the
// machine's kernel and so kept as records: swap from fstab, modules-load.d, sysctl.d (non-net keys; net.* are real).
// Swap and modules show to every reader as the host's own /proc/swaps and /sys/module (lib/swap-record.mjs, module-record.mjs).
import { existsSync, readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { applyFile, systemFiles } from './lib/sysctl-lib.mjs';
import { saveModules } from './lib/module-record.mjs';
import { saveSwaps } from './lib/swap-record.mjs';

const log = (m) => process.stdout.write(`[lab kernel-boot] ${m}\n`);

function lines(file) {
  try { return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean); } catch { return []; }
}

try {
  mkdirSync('/run/lab', { recursive: true, mode: 0o755 });
  const swaps = lines('/etc/fstab').map((l) => l.split(/\s+/)).filter((f) => f[2] === 'swap' && !(f[3] ?? '').split(',').includes('noauto')).map((f) => f[0]);
  saveSwaps(swaps);
  const mods = new Set(lines('/etc/modules'));
  for (const dir of ['/usr/lib/modules-load.d', '/etc/modules-load.d', '/run/modules-load.d']) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.conf')).sort()) for (const m of lines(`${dir}/${f}`)) mods.add(m.replace(/-/g, '_'));
  }
  saveModules([...mods]);
  for (const f of systemFiles()) for (const e of applyFile(f)) log(e);
} catch (e) {
  log(`failed: ${e.stack ?? e}`);
  process.exitCode = 1;
}
