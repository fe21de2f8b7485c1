// Lab stand-in for sysctl: net.* keys are real inside the host's netns, every other key is recorded (never the machine's kernel).
import { getSysctl, setSysctl, applyFile, systemFiles } from './lib/sysctl-lib.mjs';

const args = process.argv.slice(2);
let valueOnly = false, quiet = false, write = false, system = false, load;
const rest = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-n' || a === '--values') valueOnly = true;
  else if (a === '-q' || a === '--quiet') quiet = true;
  else if (a === '-w' || a === '--write') write = true;
  else if (a === '-e' || a === '--ignore') continue;
  else if (a === '--system') system = true;
  else if (a === '-p' || a === '--load') load = args[i + 1] && !args[i + 1].startsWith('-') ? args[++i] : '/etc/sysctl.conf';
  else if (a.startsWith('-p')) load = a.slice(2);
  else if (a.startsWith('--load=')) load = a.slice(7);
  else rest.push(a);
}
const out = (s) => { if (!quiet) process.stdout.write(`${s}\n`); };
let code = 0;
if (system) {
  for (const f of systemFiles()) {
    out(`* Applying ${f} ...`);
    for (const e of applyFile(f, out)) { process.stderr.write(`${e}\n`); code = 1; }
  }
} else if (load) {
  try { for (const e of applyFile(load, out)) { process.stderr.write(`${e}\n`); code = 1; } }
  catch { process.stderr.write(`sysctl: cannot open "${load}": No such file or directory\n`); code = 1; }
}
for (const a of rest) {
  const eq = a.indexOf('=');
  if (eq > 0 || write) {
    const key = a.slice(0, eq).replace(/\//g, '.');
    const e = setSysctl(key, a.slice(eq + 1));
    if (e) { process.stderr.write(`${e}\n`); code = 1; } else out(`${key} = ${a.slice(eq + 1)}`);
    continue;
  }
  const key = a.replace(/\//g, '.');
  const v = getSysctl(key);
  if (v === undefined) { process.stderr.write(`sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`); code = 255; continue; }
  process.stdout.write(valueOnly ? `${v}\n` : `${key} = ${v}\n`);
}
process.exit(code);
