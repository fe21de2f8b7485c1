// The CNI configuration as a watch, as the real kubelet and install-cni see the API: a kubelet stand-in holds one
// request open and hears of a change at once, instead of asking every node's API server every second (the lab's hosts
// all share the machine's cores).
import { createHash } from 'node:crypto';

/** How long a watch is held when nothing changes (the kubelet stand-in asks again right after). */
export const WATCH_HOLD_SECONDS = 20;

/** A fingerprint of the configurations install-cni would write: equal exactly when they are. */
export function cniHash(configs) {
  return createHash('sha256').update(JSON.stringify(configs)).digest('hex').slice(0, 32);
}

/**
 * The API server's side. `configs()` reads the current configurations; call `changed()` after every change of the
 * state. `answer(watch, holdSeconds, closed)` resolves to { configs, hash }: at once when `watch` is empty or differs
 * from the current hash, else when a change makes it differ, when holdSeconds pass (unchanged), or when the client
 * goes away (`closed(fn)` calls fn then, and returns what stops that).
 */
export function cniWatchHub(configs) {
  const waiting = new Set();
  const now = () => {
    const c = configs();
    return { configs: c, hash: cniHash(c) };
  };
  return {
    changed() {
      if (waiting.size === 0) return;
      const cur = now();
      for (const w of [...waiting]) if (w.watch !== cur.hash) w.done(cur);
    },
    answer(watch, holdSeconds, closed) {
      const cur = now();
      const hold = Math.min(Math.max(Number(holdSeconds) || 0, 0), 60);
      if (!watch || watch !== cur.hash || hold === 0) return Promise.resolve(cur);
      return new Promise((resolve) => {
        const w = { watch, done: undefined };
        const timer = setTimeout(() => w.done(now()), hold * 1000);
        let off;
        w.done = (v) => {
          if (!waiting.delete(w)) return;
          clearTimeout(timer);
          off?.();
          resolve(v);
        };
        waiting.add(w);
        off = closed?.(() => w.done(now()));
      });
    },
    /** Requests held now (tests). */
    get held() { return waiting.size; },
  };
}
