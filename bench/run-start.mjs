// How long a run took to start: from spawning it to its run-start event (--events), when every host has been
// connected and the playbook loaded, and the probes go out. On the keeper's connections (P) that is node's own
// start, the bundle, the inventory and the playbook, on one core, with the hosts waiting: what the floor's ssh
// clients have no counterpart for.

/** Milliseconds from spawnedAtMs (Date.now() just before the spawn) to the run-start event in `events` (JSON Lines). */
export function runStartMs(events, spawnedAtMs) {
  for (const line of events.split('\n')) {
    if (!line.includes('"run-start"')) continue;
    const e = JSON.parse(line);
    if (e.type === 'run-start') return Date.parse(e.time) - spawnedAtMs;
  }
  throw new Error('no run-start event in the run\'s output');
}
