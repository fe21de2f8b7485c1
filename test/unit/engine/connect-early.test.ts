// Early connections: adopted by the run (still one connection per host), failures reported by the host, extras closed.
import { describe, expect, it } from 'vitest';
import { connectEarly, keepPlayed } from '../../../src/engine/connect-early.js';
import { runPlaybook } from '../../../src/engine/run.js';
import { LOCK_TOKEN } from './local-hosts.js';
import { loadYamlPlaybook, threeHosts } from './run-fixture.js';

const setup = threeHosts;
const load = loadYamlPlaybook;

const WORKERS_ONLY = `name: t
plays:
  - name: files
    hosts: worker
    tasks:
      - tfile: { name: motd, content: "hello\\n" }
`;

describe('connectEarly', () => {
  it('the run adopts the early connections: one connection per host, none opened twice', async () => {
    const env = setup();
    const early = connectEarly(env.hosts, env.inventory, env.inventory.hosts, 32);
    expect(env.hosts.connects.map((c) => c.host)).toEqual(['h1', 'h2', 'h3']);
    const playbook = await load(WORKERS_ONLY.replace('hosts: worker', 'hosts: all'), env.inventory);
    const report = await runPlaybook({ playbook, inventory: env.inventory, options: { connector: env.hosts, lockFile: LOCK_TOKEN, lockMarker: `provision-become-ok-e${process.pid}x`, earlySessions: early } });
    expect(report).toMatchObject({ changed: 3, failed: 0 });
    expect(env.hosts.connects.map((c) => c.host).sort()).toEqual(['h1', 'h2', 'h3']);
  });

  it('opens at most `max` (the run\'s concurrency), in order', () => {
    const env = setup();
    expect([...connectEarly(env.hosts, env.inventory, env.inventory.hosts, 2).keys()]).toEqual(['h1', 'h2']);
  });

  it('an unreachable host fails in the run like any other, once, and the others converge', async () => {
    const env = setup({ unreachable: new Set(['h2']) });
    const early = connectEarly(env.hosts, env.inventory, env.inventory.hosts, 32);
    const playbook = await load(WORKERS_ONLY, env.inventory);
    keepPlayed(early, playbook.plays, env.inventory);
    const report = await runPlaybook({ playbook, inventory: env.inventory, options: { connector: env.hosts, lockFile: LOCK_TOKEN, lockMarker: `provision-become-ok-e${process.pid}y`, earlySessions: early } });
    expect(report.hosts.h2).toMatchObject({ failed: 1, unreachable: true });
    expect(report.hosts.h3).toMatchObject({ changed: 1, failed: 0 });
  });

  it('keepPlayed closes the connections no play needs, without waiting for one still connecting', async () => {
    const env = setup();
    const closed: string[] = [];
    const early = connectEarly(env.hosts, env.inventory, env.inventory.hosts, 32);
    for (const [name, p] of early) early.set(name, p.then((s) => ({ ...s, close: async () => void closed.push(name) })));
    const playbook = await load(WORKERS_ONLY, env.inventory);
    expect(keepPlayed(early, playbook.plays, env.inventory)).toEqual(['h1']);
    await new Promise((r) => setImmediate(r));
    expect(closed).toEqual(['h1']);
    expect([...early.keys()]).toEqual(['h2', 'h3']);
  });

  it('keepPlayed returns at once when an unselected host is still connecting (an unreachable host never delays the run)', async () => {
    const env = setup();
    const early = new Map([['h1', new Promise<never>(() => undefined)]]);
    const playbook = await load(WORKERS_ONLY, env.inventory);
    expect(keepPlayed(early, playbook.plays, env.inventory)).toEqual(['h1']);
    expect(early.size).toBe(0);
  });
});
