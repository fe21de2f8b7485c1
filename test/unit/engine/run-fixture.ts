// Shared by the runner tests: three fake hosts (temp dirs, real sh) and a playbook loaded from YAML text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../../../src/inventory/types.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { memoryModuleSource } from '../../../src/playbook/modules.js';
import type { Playbook } from '../../../src/playbook/types.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import { LocalHosts } from './local-hosts.js';
import { runnerModules, tproviders } from './runner-modules.js';
import { tempDir } from '../../support/temp-dir.js';

/** h1 (control plane), h2 and h3 (workers), each a temp dir of a LocalHosts connector. */
export function threeHosts(opts: ConstructorParameters<typeof LocalHosts>[0] = {}) {
  const hosts = new LocalHosts(opts);
  const inventory: Inventory = fakeInventory({
    hosts: ['h1', 'h2', 'h3'].map((name, i) => ({ name, address: `192.168.1.${11 + i}`, role: i === 0 ? 'control-plane' : 'worker', vars: { dir: hosts.dir(name) } })),
  });
  return { hosts, inventory };
}

/** The playbook in `yaml`, with the runner tests' in-memory modules; throws with the findings if it does not load. */
export async function loadYamlPlaybook(yaml: string, inventory: Inventory): Promise<Playbook> {
  const path = join(tempDir('provision-pb-'), 'pb.yaml');
  writeFileSync(path, yaml);
  const loaded = await loadPlaybook({ path, inventory, modules: memoryModuleSource(runnerModules, tproviders) });
  if (!loaded.playbook) throw new Error(JSON.stringify(loaded.findings));
  return loaded.playbook;
}
