// The bench's emulation of a machine where starting a program is expensive (issue 21: 0.5 ms on one machine of this
// kind, 5.5 ms on another): a library that burns CPU when a program starts (bench/slow-exec.c), preloaded in every
// lab host (/etc/ld.so.preload in the host's own root) and for the controller's commands (LD_PRELOAD). Each copy also
// counts the programs started (a byte each), so the bench reports execs, not only pids. Nothing on the machine itself
// changes: the controller's copy and its count live in the bench's temporary directory.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const HOST_LIB = '/usr/local/lib/provision-bench-slow-exec.so';
const HOST_COUNT = '/run/provision-bench-execs';

function build(root, out, us, countFile) {
  const r = spawnSync('cc', ['-O2', '-shared', '-fPIC', `-DSLOW_EXEC_US=${Math.round(us)}`, `-DCOUNT_FILE="${countFile}"`, '-o', out, join(root, 'bench/slow-exec.c')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`slow-exec: cc failed: ${r.stderr || r.error?.message}`);
  return out;
}

/**
 * Builds the two copies with the machine's C compiler: every program that loads one burns `us` µs of its own CPU and
 * counts itself (the hosts' copy in /run of the host, the controller's in `dir`).
 */
export function buildSlowExec(root, dir, us) {
  const controllerCount = join(dir, 'controller-execs');
  return {
    us,
    host: build(root, join(dir, 'slow-exec-host.so'), us, HOST_COUNT),
    controller: build(root, join(dir, 'slow-exec-controller.so'), us, controllerCount),
    controllerCount,
  };
}

/** Preloads the hosts' copy in every host of a lab: a copy in the host's root, named in its /etc/ld.so.preload. */
export function installInHosts(cli, lab, hosts, slow) {
  const bytes = readFileSync(slow.host);
  for (const h of hosts) {
    const r = spawnSync('node', [cli, 'lab', 'exec', '--name', lab, h, '--', 'sh', '-c', `cat > ${HOST_LIB}.new && chmod 0644 ${HOST_LIB}.new && mv ${HOST_LIB}.new ${HOST_LIB} && echo ${HOST_LIB} > /etc/ld.so.preload`], { input: bytes, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`slow-exec: could not install on ${h}: ${r.stderr}`);
  }
}

/** The controller side: an environment whose programs load the controller's copy. */
export function slowEnv(env, slow) {
  return { ...env, LD_PRELOAD: env.LD_PRELOAD ? `${slow.controller}:${env.LD_PRELOAD}` : slow.controller };
}

const sizeOf = (path) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/**
 * Programs started so far on each host (host → count) and on the controller ('' → count), read from the machine
 * through each host's /proc/PID/root: the read starts no program anywhere.
 */
export async function readExecCounters(root, state, slow) {
  const { leaderPid } = await import(join(root, 'dist/lab/nspawn-runtime.js'));
  return (hosts) => {
    const out = new Map([['', sizeOf(slow.controllerCount)]]);
    for (const h of hosts) {
      const leader = leaderPid(state.plan, h);
      if (leader) out.set(h, sizeOf(`/proc/${leader}/root${HOST_COUNT}`));
    }
    return out;
  };
}
