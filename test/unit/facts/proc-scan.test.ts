// base.procs reports the same running daemons whether the run lock's scan of /proc noted them or base scanned itself,
// and the probe reads each process's name once (in a PID namespace of the test's own, with stand-in daemons).
import { execa } from 'execa';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeLockLines } from '../../../src/engine/lock.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { buildProbe } from '../../../src/facts/probe.js';
import { requireProgram } from '../modules/real/programs.js';
import { tempDir } from '../../support/temp-dir.js';

const haveUnshare = await requireProgram('unshare', 'util-linux');
const haveStrace = await requireProgram('strace', 'strace');
const dir = tempDir('provision-proc-scan-');
// Programs whose comm is a daemon's (the kernel names a process after its file): sleep under those names.
for (const name of ['chronyd', 'NetworkManager']) copyFileSync('/bin/sleep', join(dir, name));

/** Runs the probe in its own PID namespace (its /proc lists only the stand-ins and the probe), under strace if asked. */
async function run(withLock: boolean, trace = false) {
  const probe = buildProbe({
    items: [{ kind: 'command', key: 'nm', script: 'echo "nm=${P_nm-}"' }],
    marker: 'MK',
    ...(withLock ? { prelude: probeLockLines({ file: join(dir, 'provision.lock'), orphanMarker: 'provision-test-no-such-marker-' }) } : {}),
  });
  const file = join(dir, `probe-${withLock}.sh`);
  writeFileSync(file, probe.script);
  const log = `${file}.strace`;
  const inner = `${dir}/chronyd 30 & ${dir}/NetworkManager 30 & sleep 0.2; ${trace ? `strace -qq -e trace=openat -o ${log} ` : ''}sh ${file}`; // PID 1 of the namespace: its end ends the stand-ins
  const r = await execa('unshare', ['-rpfm', '--mount-proc', 'sh', '-c', inner], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const { sections } = parseProbe(r.stdout, probe);
  return { procs: (sections.get('base.procs') ?? '').split('\n').filter(Boolean).sort(), nm: sections.get('command.0')?.trim(), log };
}

describe.runIf(haveUnshare)('base.procs, with and without the lock\'s scan before it', () => {
  it('names the same daemons, and NetworkManager\'s flag stays set for the facts after it', async () => {
    const alone = await run(false);
    const shared = await run(true);
    expect(alone.procs).toEqual(['NetworkManager', 'chronyd']);
    expect(shared.procs).toEqual(alone.procs);
    expect(alone.nm).toBe('nm=1');
    expect(shared.nm).toBe('nm=1');
  });

  it.runIf(haveStrace)('reads each process\'s name once when the lock scanned', async () => {
    const { log } = await run(true, true);
    const comms = readFileSync(log, 'utf8').split('\n').flatMap((l) => /openat\(AT_FDCWD, "(\/proc\/\d+\/comm)"/.exec(l)?.[1] ?? []);
    expect(comms.length).toBeGreaterThan(2); // it scanned: the stand-ins, sh, strace
    expect(new Set(comms).size).toBe(comms.length);
  });

  it.runIf(haveStrace)('skips kernel threads without reading their names (this machine\'s own /proc)', async () => {
    const kthreads = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && !existsSync(`/proc/${d}/exe`) && existsSync(`/proc/${d}/comm`));
    const probe = buildProbe({ items: [], marker: 'MK', prelude: probeLockLines({ file: join(dir, 'kt.lock'), orphanMarker: 'provision-test-no-such-marker-' }) });
    const log = join(dir, 'kt.strace');
    const r = await execa('strace', ['-qq', '-e', 'trace=openat', '-o', log, 'sh', '-c', probe.script], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const opened = new Set(readFileSync(log, 'utf8').split('\n').flatMap((l) => /openat\(AT_FDCWD, "\/proc\/(\d+)\/comm"/.exec(l)?.[1] ?? []));
    expect(opened.size).toBeGreaterThan(0);
    const stillKernel = kthreads.filter((d) => existsSync(`/proc/${d}/comm`) && !existsSync(`/proc/${d}/exe`));
    expect(stillKernel.filter((d) => opened.has(d))).toEqual([]);
  });
});

