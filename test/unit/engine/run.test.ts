// The Run object against fake hosts (temp dirs, real sh): early connections adopted, extras let go, Ctrl-C stops it.
import { describe, expect, it } from 'vitest';
import { Run } from '../../../src/engine/run.js';
import { LOCK_TOKEN } from './local-hosts.js';
import { loadYamlPlaybook, threeHosts } from './run-fixture.js';

const PB = (hosts: string) => `name: t
plays:
  - name: files
    hosts: ${hosts}
    tasks:
      - tfile: { name: motd, content: "hello\\n" }
      - tfile: { name: issue, content: "hi\\n" }
`;

const options = (env: ReturnType<typeof threeHosts>, tag: string) => ({ connector: env.hosts, lockFile: LOCK_TOKEN, lockMarker: `provision-become-ok-u${process.pid}${tag}`, pollMs: 10 });

describe('Run', { timeout: 60_000 }, () => {
  it('connects early, lets go of hosts no play selects, and runs on the connections it already has', async () => {
    const env = threeHosts();
    const run = new Run(env.inventory, options(env, 'a'));
    run.connectEarly(env.inventory.hosts);
    expect(env.hosts.connects.map((c) => c.host)).toEqual(['h1', 'h2', 'h3']);
    const playbook = await loadYamlPlaybook(PB('worker'), env.inventory);
    expect(run.keepPlayed(playbook.plays)).toEqual(['h1']);
    const report = await run.execute(playbook);
    expect(report).toMatchObject({ changed: 4, failed: 0 });
    expect(Object.keys(report.hosts).sort()).toEqual(['h2', 'h3']);
    // One connection per host for the whole run: none opened twice.
    expect(env.hosts.connects.map((c) => c.host)).toEqual(['h1', 'h2', 'h3']);
  });

  it("connectEarly resolves once every host's TCP connect has started, or its connect settled without one", async () => {
    const env = threeHosts();
    const dialling = new Set<string>();
    const pending: Promise<never>[] = [];
    // h1 dials and never finishes its handshake; h2 fails before any dial; h3 dials later.
    let dialH3: (() => void) | undefined;
    const connector = {
      connect: (host: { name: string }, _inv: unknown, opts?: { onDial?: () => void }) => {
        if (host.name === 'h1') { dialling.add('h1'); opts?.onDial?.(); const p = new Promise<never>(() => undefined); pending.push(p); return p; }
        if (host.name === 'h2') return Promise.reject(new Error('no route'));
        dialH3 = () => { dialling.add('h3'); opts?.onDial?.(); };
        return new Promise<never>(() => undefined);
      },
      closeAll: async () => undefined,
    };
    const run = new Run(env.inventory, { ...options(env, 'd'), connector: connector as never });
    let resolved = false;
    const dialled = run.connectEarly(env.inventory.hosts).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false); // h3 has not dialled yet
    dialH3!();
    await dialled;
    expect([...dialling].sort()).toEqual(['h1', 'h3']);
  });

  it('the first SIGINT stops the run before it changes anything; the handler is removed after', async () => {
    const env = threeHosts();
    const run = new Run(env.inventory, options(env, 'b'));
    const said: string[] = [];
    const before = process.listenerCount('SIGINT');
    const off = run.stopOnSigint((l) => said.push(l));
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT');
    expect(said).toEqual([expect.stringMatching(/interrupted: finishing the current steps \(Ctrl-C again to quit now\)/)]);
    expect(run.interrupted).toBe(true);
    expect(run.stopReason()).toBe('interrupted');
    const report = await run.execute(await loadYamlPlaybook(PB('all'), env.inventory));
    off();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(report).toMatchObject({ changed: 0, failed: 0, aborted: 'interrupted' });
    // Stopped before its first play: no host was connected to, nothing ran anywhere.
    expect(env.hosts.connects).toEqual([]);
    expect(env.hosts.log).toEqual([]);
  });

  it('close() before any play leaves the early connections to the connector, never waiting for a handshake', async () => {
    const env = threeHosts();
    let closed = 0;
    env.hosts.connect = () => new Promise(() => undefined); // a handshake that never ends (an unreachable host)
    env.hosts.closeAll = async () => void closed++;
    const run = new Run(env.inventory, options(env, 'c'));
    run.connectEarly(env.inventory.hosts);
    await run.close();
    expect(closed).toBe(1);
  });
});
