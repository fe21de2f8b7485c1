// Boots a lab host from what it persisted: swap from fstab, modules-load.d, sysctl.d, network files, enabled services, then sshd.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { applyFile, systemFiles } from './lib/sysctl-lib.mjs';
import { saveSwaps } from './lib/swap-record.mjs';
import { saveModules } from './lib/module-record.mjs';
import { persistedCommands } from './lib/net-persist.mjs';
import { enabledUnits, findUnit, startUnit } from './lib/units.mjs';

const phase = process.argv[2] ?? 'system';
const iface = process.env.LAB_IFACE ?? 'eth0';
const log = (m) => process.stdout.write(`[lab-boot ${phase}] ${m}\n`);

function lines(file) {
  try { return readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean); } catch { return []; }
}

/** What the kernel would do at boot for state global to the machine's kernel: swap from fstab, modules-load.d, sysctl.d. */
function kernel() {
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
}

async function system() {
  // /run/systemd/system tells tools (and provision's facts) that systemd is the init: the lab's systemctl stands in for it.
  for (const d of ['/run/lab/services', '/run/sshd', '/run/lock', '/var/log/lab', '/run/systemd/system']) mkdirSync(d, { recursive: true, mode: 0o755 });
  tmpfiles();
  kernel();
  for (const c of await persistedCommands(iface)) {
    const r = c.shell ? spawnSync('/bin/sh', ['-c', c.shell], { encoding: 'utf8' }) : spawnSync(c.argv[0], c.argv.slice(1), { encoding: 'utf8' });
    log(`${c.shell ?? c.argv.join(' ')} -> ${r.status}${r.stderr ? ` ${r.stderr.trim()}` : ''}`);
  }
  for (const name of enabledUnits()) {
    if (name === 'ssh.service' || name === 'sshd.service') continue;
    const u = findUnit(name);
    // Like systemd at boot, every enabled unit comes up: the runnable ones really run, the rest are recorded active.
    if (!u) continue;
    const r = await startUnit(u);
    log(`start ${u.name}: ${r.ok ? 'ok' : r.message}`);
  }
}

async function ssh() {
  const u = findUnit('ssh');
  if (!u) { log('no ssh.service unit'); return; }
  const r = await startUnit(u);
  log(`start ssh.service: ${r.ok ? 'ok' : r.message}`);
  if (!r.ok) process.exitCode = 1;
}

// nspawn hosts (real systemd) run only the kernel phase, from lab-kernel.service.
(phase === 'kernel' ? Promise.resolve(kernel()) : phase === 'ssh' ? ssh() : system()).catch((e) => { log(`failed: ${e.stack ?? e}`); process.exitCode = 1; });

/** systemd-tmpfiles --create, for directories only (d/D lines): /run is empty at every boot. */
function tmpfiles() {
  for (const dir of ['/usr/lib/tmpfiles.d', '/etc/tmpfiles.d']) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.conf'))) {
      for (const l of lines(`${dir}/${f}`)) {
        const [type, path, mode, user, group] = l.split(/\s+/);
        if (!/^[dD]!?$/.test(type ?? '') || !path?.startsWith('/run/')) continue;
        mkdirSync(path, { recursive: true });
        if (mode && mode !== '-') spawnSync('chmod', [mode, path]);
        if (user && user !== '-') spawnSync('chown', [`${user}${group && group !== '-' ? `:${group}` : ''}`, path]);
      }
    }
  }
}
