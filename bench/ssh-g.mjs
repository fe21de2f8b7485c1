#!/usr/bin/env node
// Measures what resolving a 100-host inventory with `ssh -G` costs on the laptop (one process per host, a few at a
// time), against one ssh -G in a row and the built-in parser. Needs `npm run build`; no root, no lab.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateInventory } from './generate-inventory.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { hosts: { type: 'string', default: '100' }, rounds: { type: 'string', default: '3' } } });
const N = Number(values.hosts);
const { SshResolver } = await import(join(ROOT, 'dist/transport/ssh-resolver.js'));
const { loadInventoryOrThrow } = await import(join(ROOT, 'dist/inventory/load.js'));
const { lookupOf, targetOf } = await import(join(ROOT, 'dist/transport/ssh-target.js'));

const dir = mkdtempSync(join(tmpdir(), 'provision-bench-sshg-'));
try {
  writeFileSync(join(dir, 'inventory.yaml'), generateInventory(N));
  // A typical ~/.ssh/config: a block per group, Host *, one Include.
  writeFileSync(join(dir, 'inc.conf'), 'Host worker-0*\n  ServerAliveInterval 10\n');
  writeFileSync(join(dir, 'config'), `Host cp-*\n  User admin\nHost worker-*\n  User pi\nInclude ${join(dir, 'inc.conf')}\nHost *\n  IdentityFile ~/.ssh/id_ed25519\n  ConnectTimeout 5\n`);
  const inventory = await loadInventoryOrThrow(join(dir, 'inventory.yaml'));
  const targets = inventory.hosts.map((h) => lookupOf(targetOf(h, inventory)));
  const time = async (label, make) => {
    const ms = [];
    for (let i = 0; i < Number(values.rounds); i++) {
      const r = make();
      const t0 = performance.now();
      await Promise.all(targets.map((t) => r.resolve(t)));
      ms.push(performance.now() - t0);
    }
    console.log(`${label.padEnd(34)} ${ms.map((m) => `${Math.round(m)} ms`).join('  ')}`);
  };
  console.log(`${N} hosts, ${Number(values.rounds)} rounds (each host: ssh -G NAME, then -o HostName=ADDRESS as no HostName is set)`);
  await time('ssh -G, 4 at a time (default)', () => new SshResolver({ configFile: join(dir, 'config') }));
  await time('ssh -G, one at a time', () => new SshResolver({ configFile: join(dir, 'config'), concurrency: 1 }));
  await time('built-in parser', () => new SshResolver({ configFile: join(dir, 'config'), sshBinary: null }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
