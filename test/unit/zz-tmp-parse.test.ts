import { execa } from 'execa';
import { it } from 'vitest';
import { parseProbe } from '../../src/facts/parse-probe.js';
import { createFacts } from '../../src/facts/facts.js';
import { convergedProbe } from '../support/converged-probe.js';
import { writeFileSync } from 'node:fs';
it('times parseProbe', async () => {
  const probe = await convergedProbe({ inventory: 'inventory/goldentooth.yaml', host: 'bettley', preflightKubernetesDir: '/etc/kubernetes' });
  const r = await execa('node', ['dist/cli/main.js', 'lab', 'exec', '--name', 'g', 'bettley', '--', 'sh'], { input: probe.script, encoding: 'buffer' });
  const bytes = Buffer.from(r.stdout as Uint8Array);
  writeFileSync('/work/tmp/probe-out.bin', bytes);
  writeFileSync('/work/tmp/probe-script.sh', probe.script);
  console.log('output bytes', bytes.length, 'script bytes', probe.script.length);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) parseProbe(bytes, probe);
    console.log('parseProbe ms/each', ((performance.now() - t0) / 20).toFixed(2));
  }
}, 60000);
