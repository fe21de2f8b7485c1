// The API server stand-in's watch of the CNI configuration: a kubelet stand-in's request is held until the
// configurations change (or the hold ends, or the client leaves), so no node polls the API every second.
import { afterEach, describe, expect, it, vi } from 'vitest';

type Configs = Array<{ file: string; content: string }>;
interface Answer { configs: Configs; hash: string }
interface Hub { changed(): void; answer(watch: string, hold: unknown, closed?: (fn: () => void) => () => void): Promise<Answer>; readonly held: number }
const { cniWatchHub, cniHash, WATCH_HOLD_SECONDS } = (await import(
  /* @vite-ignore */ new URL('../../../src/lab/assets/standins/lib/cni-watch.mjs', import.meta.url).href
)) as { cniWatchHub(configs: () => Configs): Hub; cniHash(c: Configs): string; WATCH_HOLD_SECONDS: number };

const calico = [{ file: '10-calico.conflist', content: '{"name":"k8s-pod-network"}' }];

afterEach(() => { vi.useRealTimers(); });

describe('lab API server stand-in: CNI watch', () => {
  it('answers at once without a hash, or with one that is not the current one', async () => {
    let configs: Configs = [];
    const hub = cniWatchHub(() => configs);
    const first = await hub.answer('', '20');
    expect(first).toEqual({ configs: [], hash: cniHash([]) });
    configs = calico;
    expect(await hub.answer(first.hash, '20')).toEqual({ configs: calico, hash: cniHash(calico) });
    expect(cniHash(calico)).not.toBe(cniHash([]));
    expect(hub.held).toBe(0);
  });

  it('holds a current hash until a change makes it differ; a change that leaves it equal wakes nobody', async () => {
    let configs: Configs = [];
    const hub = cniWatchHub(() => configs);
    let got: Answer | undefined;
    void hub.answer(cniHash([]), String(WATCH_HOLD_SECONDS)).then((a) => { got = a; });
    await Promise.resolve();
    expect(hub.held).toBe(1);
    hub.changed(); // another object changed: the configurations did not
    await Promise.resolve();
    expect(got).toBeUndefined();
    configs = calico;
    hub.changed();
    await Promise.resolve();
    expect(got).toEqual({ configs: calico, hash: cniHash(calico) });
    expect(hub.held).toBe(0);
  });

  it('answers unchanged when the hold ends, and at once when the client leaves (its hook removed)', async () => {
    vi.useFakeTimers();
    const hub = cniWatchHub(() => calico);
    const held = hub.answer(cniHash(calico), '20');
    vi.advanceTimersByTime(19_999);
    expect(hub.held).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await held).toEqual({ configs: calico, hash: cniHash(calico) });

    let leave: (() => void) | undefined;
    let removed = 0;
    const left = hub.answer(cniHash(calico), '20', (fn) => { leave = fn; return () => { removed++; }; });
    expect(hub.held).toBe(1);
    leave!();
    expect(await left).toEqual({ configs: calico, hash: cniHash(calico) });
    expect(removed).toBe(1);
    expect(hub.held).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not hold without a positive hold, and caps it at a minute', async () => {
    vi.useFakeTimers();
    const hub = cniWatchHub(() => calico);
    expect(await hub.answer(cniHash(calico), null)).toEqual({ configs: calico, hash: cniHash(calico) });
    expect(await hub.answer(cniHash(calico), 'x')).toMatchObject({ hash: cniHash(calico) });
    const capped = hub.answer(cniHash(calico), '3600');
    vi.advanceTimersByTime(60_000);
    expect(await capped).toMatchObject({ hash: cniHash(calico) });
  });
});
