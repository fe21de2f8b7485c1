// The lab's tiny service manager core: finds unit files in a lab host, runs their ExecStart, records state in /run/lab.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync, lstatSync, readlinkSync, rmSync, openSync, symlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const STATE_DIR = '/run/lab/services';
/** Units whose programs really run in a lab host; every other unit is only recorded (never run the machine's daemons). */
const RUNNABLE = new Set(['haproxy', 'containerd', 'kubelet', 'nftables', 'ssh']);

export function unitName(arg) {
  return arg.endsWith('.service') ? arg : `${arg}.service`;
}

/** Resolves aliases (sshd.service -> ssh.service) and returns {name, path, masked} or undefined. */
export function findUnit(arg) {
  const name = unitName(arg);
  for (const dir of UNIT_DIRS) {
    const p = `${dir}/${name}`;
    let st;
    try { st = lstatSync(p); } catch { continue; }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(p);
      if (target === '/dev/null') return { name, path: p, masked: true };
      const resolved = target.startsWith('/') ? target : `${dir}/${target}`;
      if (basename(resolved) !== name) return findUnit(basename(resolved));
      if (existsSync(resolved)) return { name, path: resolved, masked: false };
      continue;
    }
    return { name, path: p, masked: false };
  }
  return undefined;
}

function parseIni(text, into) {
  let section = '';
  let pending = '';
  for (const raw of text.split('\n')) {
    let line = pending + raw.trim();
    pending = '';
    if (line.endsWith('\\')) { pending = line.slice(0, -1) + ' '; continue; }
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) { section = m[1]; continue; }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = `${section}.${line.slice(0, eq).trim()}`;
    const value = line.slice(eq + 1).trim();
    if (value === '') { into[key] = []; continue; }
    (into[key] ??= []).push(value);
  }
  return into;
}

/** Reads the unit file plus its drop-ins (NAME.service.d/*.conf), systemd's merge rules for list settings. */
export function readUnit(unit) {
  const props = parseIni(readFileSync(unit.path, 'utf8'), {});
  for (const dir of UNIT_DIRS) {
    const d = `${dir}/${unit.name}.d`;
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((f) => f.endsWith('.conf')).sort()) parseIni(readFileSync(`${d}/${f}`, 'utf8'), props);
  }
  return props;
}

function unquoteWords(s) {
  const out = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m;
  while ((m = re.exec(s))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The service's environment: Environment= and EnvironmentFile= (leading '-' = optional). */
export function unitEnv(props) {
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
  for (const v of props['Service.Environment'] ?? []) for (const w of unquoteWords(v)) {
    const eq = w.indexOf('=');
    if (eq > 0) env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  for (let f of props['Service.EnvironmentFile'] ?? []) {
    const optional = f.startsWith('-');
    if (optional) f = f.slice(1);
    if (!existsSync(f)) { if (optional) continue; throw new Error(`Failed to load environment files: ${f}`); }
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
    }
  }
  return env;
}

/** Splits an Exec line into argv, expanding $VAR (split into words) and ${VAR} like systemd. */
export function expandExec(line, env) {
  const cmd = line.replace(/^[-@+!:]+/, '');
  const argv = [];
  for (const w of unquoteWords(cmd)) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole) { argv.push(...(env[whole[1]] ?? '').split(/\s+/).filter(Boolean)); continue; }
    argv.push(w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a, b) => env[a ?? b] ?? ''));
  }
  return argv;
}

function statePath(name) { return `${STATE_DIR}/${name}.json`; }

export function readState(name) {
  try { return JSON.parse(readFileSync(statePath(name), 'utf8')); } catch { return { state: 'inactive' }; }
}

function writeState(name, st) {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(statePath(name), JSON.stringify(st));
}

export function alive(pid) {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch { return false; }
}

/** active | inactive | failed, refreshed from the process table (a daemon that died is failed). */
export function activeState(name) {
  const st = readState(name);
  if (st.state === 'active' && st.pid && !alive(st.pid)) return 'failed';
  return st.state;
}

function base(name) { return name.replace(/\.service$/, ''); }

function runSync(argv, env) {
  const r = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

function logFile(name) {
  mkdirSync('/var/log/lab', { recursive: true });
  return openSync(`/var/log/lab/${base(name)}.log`, 'a');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a unit. Resolves to {ok, message}. */
export async function startUnit(unit) {
  const name = unit.name;
  if (unit.masked) return { ok: false, message: `Failed to start ${name}: Unit ${name} is masked.` };
  if (activeState(name) === 'active') return { ok: true };
  const props = readUnit(unit);
  if (!RUNNABLE.has(base(name))) { writeState(name, { state: 'active', emulated: true }); return { ok: true }; }
  let env;
  try { env = unitEnv(props); } catch (e) { writeState(name, { state: 'failed' }); return { ok: false, message: `${e.message}` }; }
  const fail = (why) => {
    writeState(name, { state: 'failed' });
    return { ok: false, message: `Job for ${name} failed because the control process exited with error code.\nSee "systemctl status ${name}" and "journalctl -xeu ${name}" for details.`, detail: why };
  };
  for (const dir of props['Service.RuntimeDirectory'] ?? []) for (const d of dir.split(/\s+/)) mkdirSync(`/run/${d}`, { recursive: true, mode: 0o755 });
  for (const line of props['Service.ExecStartPre'] ?? []) {
    const r = runSync(expandExec(line, env), env);
    if (r.code !== 0 && !line.startsWith('-')) { appendLog(name, r.out); return fail(r.out); }
  }
  const starts = props['Service.ExecStart'] ?? [];
  const type = (props['Service.Type'] ?? ['simple']).at(-1);
  if (type === 'oneshot') {
    for (const line of starts) {
      const r = runSync(expandExec(line, env), env);
      appendLog(name, r.out);
      if (r.code !== 0 && !line.startsWith('-')) return fail(r.out);
    }
    const remain = (props['Service.RemainAfterExit'] ?? ['no']).at(-1);
    writeState(name, { state: /^(yes|true|1|on)$/.test(remain) ? 'active' : 'inactive', sub: 'exited' });
    return { ok: true };
  }
  const line = starts.at(-1);
  if (!line) return fail('no ExecStart');
  const argv = expandExec(line, env);
  const fd = logFile(name);
  const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', fd, fd], cwd: '/' });
  let exited = false;
  child.on('error', () => { exited = true; });
  child.on('exit', () => { exited = true; });
  child.unref();
  const killMode = (props['Service.KillMode'] ?? ['control-group']).at(-1);
  writeState(name, { state: 'active', pid: child.pid, killMode, since: Date.now() });
  await sleep(Number(process.env.LAB_START_SETTLE_MS ?? 250));
  if (exited || !alive(child.pid)) return fail('exited');
  return { ok: true };
}

function appendLog(name, text) {
  if (!text) return;
  try { writeFileSync(`/var/log/lab/${base(name)}.log`, text, { flag: 'a' }); } catch { /* log dir may be missing */ }
}

export async function stopUnit(unit) {
  const name = unit.name;
  const st = readState(name);
  if (st.pid && alive(st.pid)) {
    const target = st.killMode === 'process' ? st.pid : -st.pid;
    try { process.kill(target, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 30 && alive(st.pid); i++) await sleep(100);
    if (alive(st.pid)) try { process.kill(target, 'SIGKILL'); } catch { /* gone */ }
  } else if (!st.pid && st.state === 'active' && RUNNABLE.has(base(name))) {
    const props = readUnit(unit);
    const env = unitEnv(props);
    for (const line of props['Service.ExecStop'] ?? []) runSync(expandExec(line, env), env);
  }
  writeState(name, { state: 'inactive' });
}

export async function reloadUnit(unit) {
  const props = readUnit(unit);
  const lines = props['Service.ExecReload'] ?? [];
  if (lines.length === 0 || activeState(unit.name) !== 'active') {
    if (activeState(unit.name) !== 'active') return { ok: false, message: `${unit.name} is not active, cannot reload.` };
    return { ok: false, message: `Failed to reload ${unit.name}: Job type reload is not applicable for unit ${unit.name}.` };
  }
  const env = { ...unitEnv(props), MAINPID: String(readState(unit.name).pid ?? '') };
  for (const line of lines) {
    const r = runSync(expandExec(line, env), env);
    if (r.code !== 0) return { ok: false, message: `Job for ${unit.name} failed.\n${r.out}` };
  }
  return { ok: true };
}

/** The [Install] WantedBy targets, or [] for a static unit. */
export function wantedBy(unit) {
  const props = readUnit(unit);
  return (props['Install.WantedBy'] ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

export function enabledLinks(name) {
  const out = [];
  const root = '/etc/systemd/system';
  if (!existsSync(root)) return out;
  for (const d of readdirSync(root)) {
    if (!d.endsWith('.wants') && !d.endsWith('.requires')) continue;
    const p = `${root}/${d}/${name}`;
    try { lstatSync(p); out.push(p); } catch { /* not here */ }
  }
  return out;
}

export function unitFileState(unit) {
  if (!unit) return '';
  if (unit.masked) return 'masked';
  if (enabledLinks(unit.name).length > 0) return 'enabled';
  return wantedBy(unit).length === 0 ? 'static' : 'disabled';
}

export function enableUnit(unit) {
  const msgs = [];
  for (const t of wantedBy(unit)) {
    const link = `/etc/systemd/system/${t}.wants/${unit.name}`;
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(unit.path, link);
    msgs.push(`Created symlink ${link} → ${unit.path}.`);
  }
  return msgs;
}

export function disableUnit(unit) {
  const msgs = [];
  for (const link of enabledLinks(unit.name)) { rmSync(link, { force: true }); msgs.push(`Removed "${link}".`); }
  return msgs;
}

/** Every unit enabled in the host, in a stable order (sysinit first, like boot). */
export function enabledUnits() {
  const root = '/etc/systemd/system';
  const names = new Set();
  if (!existsSync(root)) return [];
  const dirs = readdirSync(root).filter((d) => d.endsWith('.wants')).sort((a, b) => (a.startsWith('sysinit') ? -1 : b.startsWith('sysinit') ? 1 : a.localeCompare(b)));
  for (const d of dirs) for (const f of readdirSync(`${root}/${d}`)) if (f.endsWith('.service')) names.add(f);
  return [...names];
}
