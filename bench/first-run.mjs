// Where a first `provision up`'s time goes, from its --events stream: per play (wall time) and per host (time in
// applied tasks by what they wait on: apt, kubeadm, a reboot, or provision itself; the rest of a play is waiting for peers).

/**
 * What an applied task waits on, by its task name in playbooks/up.yaml (host-setup's and the add-ons' names too): the
 * Pi's cgroup flags reboot the host; the package tasks, containerd and the clock's timesyncd wait on apt.
 */
export function categoryOf(task) {
  if (/reboot/i.test(task)) return 'reboot';
  if (/package|installed|containerd|timesyncd|\bapt\b/i.test(task)) return 'apt';
  if (/kubeadm (init|join)/i.test(task)) return 'kubeadm';
  return 'provision';
}

/**
 * `text`: the JSON Lines of `provision up --events`. Each host's time between two of its events is charged to the
 * later one: an applied task's category, else `provision` (probing and planning); from its last event to the end of
 * the play it is `waiting` (the play's other hosts are still working).
 */
export function firstRunBreakdown(text) {
  const events = readEvents(text);
  const plays = [];
  const hosts = new Map();
  const charge = (host, cat, ms) => {
    const h = hosts.get(host) ?? { apt: 0, kubeadm: 0, reboot: 0, provision: 0, waiting: 0 };
    h[cat] += Math.max(0, ms);
    hosts.set(host, h);
  };
  let last = new Map();
  let playStart = 0;
  for (const e of events) {
    const t = Date.parse(e.time);
    if (e.type === 'play-start') {
      playStart = t;
      last = new Map(e.hosts.map((h) => [h, t]));
    } else if (e.type === 'task-result' && last.has(e.host)) {
      charge(e.host, e.applied && e.action !== 'noop' ? categoryOf(e.task) : 'provision', t - last.get(e.host));
      last.set(e.host, t);
    } else if (e.type === 'play-end') {
      plays.push({ play: e.play, ms: e.elapsedMs ?? t - playStart });
      for (const [h, since] of last) charge(h, 'waiting', t - since);
      last = new Map();
    }
  }
  return { plays, hosts };
}

/** Lines for the bench's output: the plays by time, then the hosts' totals and the slowest host's share. */
export function formatBreakdown({ plays, hosts }) {
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const lines = plays.map((p) => `  play ${p.play.padEnd(52).slice(0, 52)} ${s(p.ms)}`);
  const sum = { apt: 0, kubeadm: 0, reboot: 0, provision: 0, waiting: 0 };
  for (const h of hosts.values()) for (const k of Object.keys(sum)) sum[k] += h[k];
  const n = Math.max(1, hosts.size);
  lines.push(`  per host (mean of ${hosts.size}): apt ${s(sum.apt / n)}, kubeadm ${s(sum.kubeadm / n)}, reboot ${s(sum.reboot / n)}, provision ${s(sum.provision / n)}, waiting on peers ${s(sum.waiting / n)}`);
  const busy = (h) => h.apt + h.kubeadm + h.reboot + h.provision;
  const busiest = [...hosts].sort(([, a], [, b]) => busy(b) - busy(a))[0];
  if (busiest) {
    const [name, h] = busiest;
    lines.push(`  busiest host ${name}: apt ${s(h.apt)}, kubeadm ${s(h.kubeadm)}, reboot ${s(h.reboot)}, provision ${s(h.provision)}, waiting ${s(h.waiting)}`);
  }
  return lines;
}

/**
 * Why a first run failed, from its --events stream: each host-failure (play, host, error), at most `most` of them and
 * a count of the rest. Empty when the stream has none (the run failed before any host did: its stderr says why).
 */
export function failureLines(text, most = 10) {
  const failures = readEvents(text).filter((e) => e.type === 'host-failure');
  const lines = failures.slice(0, most).map((e) => `  ${e.host} in "${e.play}"${e.unreachable ? ' (unreachable)' : ''}: ${String(e.error).split('\n').join('\n    ')}`);
  if (failures.length > most) lines.push(`  … and ${failures.length - most} more hosts`);
  return lines;
}

/** The events of an --events stream (JSON Lines); any other line (a cut-off last line, stray output) is skipped. */
function readEvents(text) {
  return text.split('\n').flatMap((l) => {
    if (!l.trim().startsWith('{')) return [];
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}
