// Sysctl emulation for a lab host: net.* keys are real (the host's own network namespace), others are recorded in /run/lab.
import { existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';

const RECORD = '/run/lab/sysctl.json';
/** The record again, one file per key holding `value\n`, for the shim's bash fast path (fast/sysctl.bash). */
const RECORD_DIR = '/run/lab/sysctl';

/** Keys the fast path may look up by file name (fast/sysctl.bash has the same rule); others only Node answers. */
export function recordFileKey(key) {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(key) && !key.includes('..') && !key.endsWith('.');
}

function records() {
  try { return JSON.parse(readFileSync(RECORD, 'utf8')); } catch { return {}; }
}

const procPath = (key) => `/proc/sys/${key.replace(/\./g, '/')}`;
const isNet = (key) => key.startsWith('net.');

/** Reads a key: real for net.* (when the kernel has it), recorded otherwise (falling back to the machine's read-only value). */
export function getSysctl(key) {
  const rec = records();
  if (isNet(key) && existsSync(procPath(key))) return readFileSync(procPath(key), 'utf8').trim().replace(/\s+/g, '\t');
  if (key in rec) return rec[key];
  if (existsSync(procPath(key))) return readFileSync(procPath(key), 'utf8').trim().replace(/\s+/g, '\t');
  if (isNet(key) && /^net\.bridge\./.test(key) && loadedModules().includes('br_netfilter')) return '0';
  return undefined;
}

export function loadedModules() {
  try { return readFileSync('/run/lab/modules', 'utf8').split('\n').filter(Boolean); } catch { return []; }
}

/** Sets a key; returns an error message or undefined. */
export function setSysctl(key, value) {
  const v = String(value).trim();
  if (isNet(key) && existsSync(procPath(key))) {
    try { writeFileSync(procPath(key), v); return undefined; } catch (e) { return `sysctl: setting key "${key}": ${e.code === 'EINVAL' ? 'Invalid argument' : e.message}`; }
  }
  const known = existsSync(procPath(key)) || (/^net\.bridge\./.test(key) && loadedModules().includes('br_netfilter'));
  if (!known) return `sysctl: cannot stat ${procPath(key)}: No such file or directory`;
  const rec = records();
  rec[key] = v;
  mkdirSync('/run/lab', { recursive: true });
  writeFileSync(RECORD, JSON.stringify(rec));
  // The first write since the directory existed copies the whole record (one kept by an older stand-in), later ones one key.
  const fresh = !existsSync(RECORD_DIR);
  mkdirSync(RECORD_DIR, { recursive: true });
  for (const [k, val] of fresh ? Object.entries(rec) : [[key, v]]) if (recordFileKey(k)) writeFileSync(`${RECORD_DIR}/${k}`, `${val}\n`);
  return undefined;
}

/** Parses sysctl.conf syntax into [key, value] pairs (leading '-' = ignore errors). */
export function parseSysctlConf(text) {
  const out = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    let key = line.slice(0, eq).trim();
    const optional = key.startsWith('-');
    if (optional) key = key.slice(1);
    out.push({ key: key.replace(/\//g, '.'), value: line.slice(eq + 1).trim(), optional });
  }
  return out;
}

/** The files `sysctl --system` reads, in its order (later names win per basename). */
export function systemFiles() {
  const byName = new Map();
  for (const dir of ['/usr/lib/sysctl.d', '/lib/sysctl.d', '/usr/local/lib/sysctl.d', '/run/sysctl.d', '/etc/sysctl.d']) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.conf'))) byName.set(f, `${dir}/${f}`);
  }
  const files = [...byName.keys()].sort().map((k) => byName.get(k));
  if (existsSync('/etc/sysctl.conf')) files.push('/etc/sysctl.conf');
  return files;
}

export function applyFile(file, print) {
  const errors = [];
  for (const { key, value, optional } of parseSysctlConf(readFileSync(file, 'utf8'))) {
    const e = setSysctl(key, value);
    if (e && !optional) errors.push(e);
    else if (!e && print) print(`${key} = ${value}`);
  }
  return errors;
}
