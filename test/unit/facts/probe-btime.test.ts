// Preflight's clock from a real probe on this machine: /proc/uptime read by the shell, the boot time by the packages'
// awk (when the probe reads packages) or by the shell (when it reads none); either way the wall clock within seconds.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../support/temp-dir.js';
import { describe, expect, it } from 'vitest';
import { parsePreflight } from '../../../src/facts/parse-preflight.js';
import { splitSections } from '../../../src/facts/parse-sections.js';
import { buildProbe } from '../../../src/facts/probe.js';
import { BTIME_SECTION } from '../../../src/facts/probe-packages.js';
import { preflightLines } from '../../../src/facts/preflight-script.js';
import { loadInventoryOrThrow } from '../../../src/inventory/load.js';

const inventory = await loadInventoryOrThrow('inventory/goldentooth.yaml');
const host = inventory.hosts.find((h) => h.name === 'bettley')!;
const k8s = tempDir('provision-btime-k8s-');
writeFileSync(join(k8s, 'kubelet.conf'), '');

async function clockOf(withPackages: boolean) {
  const probe = buildProbe({
    items: withPackages ? [{ kind: 'package', name: 'dpkg' }] : [],
    // A joined node's reads (kubelet.conf there): no port listing, no ARP probes (nothing leaves this machine).
    lines: preflightLines(inventory, host, { kubernetesDir: k8s }),
    marker: 'MK', // with base: it defines the shell's reader (rd) the lines use
  });
  const before = Date.now() / 1000;
  const r = await execa('sh', ['-c', probe.script], { reject: false });
  const sections = splitSections(r.stdout, 'MK');
  return { before, after: Date.now() / 1000, sections, clock: parsePreflight(sections).facts.clock, script: probe.script };
}

describe('preflight\'s clock', () => {
  it.each([true, false])('with packages read (%s): the wall clock, from btime and uptime', async (withPackages) => {
    const c = await clockOf(withPackages);
    expect(c.sections.has(BTIME_SECTION)).toBe(withPackages);
    expect(c.script.includes('< /proc/stat')).toBe(true); // the shell's loop stays for probes without packages
    expect(c.clock).toBeGreaterThan(c.before - 2); // btime is cut to whole seconds: up to one behind
    expect(c.clock).toBeLessThan(c.after + 1);
  });
});
