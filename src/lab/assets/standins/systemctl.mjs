// Lab stand-in for systemctl: a small service manager for the units that exist inside this lab host only.
import { findUnit, startUnit, stopUnit, reloadUnit, activeState, readState, unitFileState, enableUnit, disableUnit, unitName } from './lib/units.mjs';
import { symlinkSync, rmSync, readlinkSync } from 'node:fs';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('-')));
const props = [];
const words = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-p' || a === '--property') props.push(...(args[++i] ?? '').split(','));
  else if (a.startsWith('--property=')) props.push(...a.slice(11).split(','));
  else if (a.startsWith('-p') && a.length > 2) props.push(...a.slice(2).split(','));
  else if (!a.startsWith('-')) words.push(a);
}
const [verb, ...names] = words;
const quiet = flags.has('-q') || flags.has('--quiet');
const err = (m) => { if (m) process.stderr.write(m.endsWith('\n') ? m : `${m}\n`); };

function need(name) {
  const u = findUnit(name);
  if (!u) { err(`Failed to ${verb} ${unitName(name)}: Unit ${unitName(name)} not found.`); }
  return u;
}

function show(name) {
  const u = findUnit(name);
  const st = u ? readState(u.name) : { state: 'inactive' };
  const active = u ? activeState(u.name) : 'inactive';
  const values = {
    Id: unitName(name),
    Names: unitName(name),
    LoadState: !u ? 'not-found' : u.masked ? 'masked' : 'loaded',
    ActiveState: active,
    SubState: active === 'active' ? (st.pid ? 'running' : 'exited') : active === 'failed' ? 'failed' : 'dead',
    UnitFileState: u ? unitFileState(u) : '',
    MainPID: String(active === 'active' && st.pid ? st.pid : 0),
    FragmentPath: u && !u.masked ? u.path : '',
  };
  const keys = props.length ? props : Object.keys(values);
  return keys.map((k) => (flags.has('--value') ? (values[k] ?? '') : `${k}=${values[k] ?? ''}`)).join('\n');
}

async function main() {
  switch (verb) {
    case 'daemon-reload': case 'daemon-reexec': case 'reset-failed': return 0;
    case 'start': case 'stop': case 'restart': case 'try-restart': case 'reload': case 'reload-or-restart': {
      let code = 0;
      for (const n of names) {
        const u = need(n);
        if (!u) { code = 5; continue; }
        if (verb === 'stop') { await stopUnit(u); continue; }
        if (verb === 'try-restart' && activeState(u.name) !== 'active') continue;
        if (verb === 'reload') { const r = await reloadUnit(u); if (!r.ok) { err(r.message); code = 1; } continue; }
        if (verb !== 'start') await stopUnit(u);
        const r = await startUnit(u);
        if (!r.ok) { err(r.message); code = 1; }
      }
      return code;
    }
    case 'enable': case 'disable': {
      let code = 0;
      for (const n of names) {
        const u = need(n);
        if (!u) { code = 1; continue; }
        if (u.masked && verb === 'enable') { err(`Failed to enable unit: Unit file ${u.name} is masked.`); code = 1; continue; }
        for (const m of verb === 'enable' ? enableUnit(u) : disableUnit(u)) if (!quiet) err(m);
        if (flags.has('--now')) {
          if (verb === 'enable') { const r = await startUnit(u); if (!r.ok) { err(r.message); code = 1; } } else await stopUnit(u);
        }
      }
      return code;
    }
    case 'mask': case 'unmask': {
      for (const n of names) {
        const p = `/etc/systemd/system/${unitName(n)}`;
        if (verb === 'mask') { rmSync(p, { force: true }); symlinkSync('/dev/null', p); err(`Created symlink ${p} → /dev/null.`); }
        else { try { if (readlinkSync(p) === '/dev/null') { rmSync(p); err(`Removed "${p}".`); } } catch { /* not masked */ } }
      }
      return 0;
    }
    case 'is-active': case 'is-failed': {
      let ok = false;
      for (const n of names) {
        const u = findUnit(n);
        const s = u ? activeState(u.name) : 'inactive';
        if (!quiet) process.stdout.write(`${s}\n`);
        if ((verb === 'is-active' && s === 'active') || (verb === 'is-failed' && s === 'failed')) ok = true;
      }
      return ok ? 0 : verb === 'is-active' ? 3 : 1;
    }
    case 'is-enabled': {
      let ok = false;
      for (const n of names) {
        const u = findUnit(n);
        if (!u) { err(`Failed to get unit file state for ${unitName(n)}: No such file or directory`); continue; }
        const s = unitFileState(u);
        if (!quiet) process.stdout.write(`${s}\n`);
        if (s === 'enabled' || s === 'static') ok = true;
      }
      return ok ? 0 : 1;
    }
    case 'show': {
      process.stdout.write(names.map(show).join('\n\n') + '\n');
      return 0;
    }
    case 'status': {
      let code = 0;
      for (const n of names) {
        const u = findUnit(n);
        if (!u) { err(`Unit ${unitName(n)} could not be found.`); code = 4; continue; }
        const s = activeState(u.name);
        const st = readState(u.name);
        process.stdout.write(`● ${u.name}\n     Loaded: loaded (${u.path}; ${unitFileState(u)})\n     Active: ${s}${st.pid ? `\n   Main PID: ${st.pid}` : ''}\n`);
        if (s !== 'active') code = 3;
      }
      return code;
    }
    case 'is-system-running': process.stdout.write('running\n'); return 0;
    default:
      err(`systemctl (provision lab stand-in): '${verb ?? ''}' is not emulated`);
      return 1;
  }
}

main().then((c) => process.exit(c), (e) => { err(`systemctl: ${e.message}`); process.exit(1); });
