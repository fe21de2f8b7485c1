// Before `up` plans anything: every add-on artifact the inventory needs is in the laptop's cache, checksum-verified.
import type { Inventory } from '../../inventory/types.js';
import { artifactTable, ensureArtifacts } from '../../modules/cluster/addons/artifacts.js';
import { addonBundle } from '../../modules/cluster/addons/bundle.js';
import { UserError } from '../../core/errors.js';

/** Downloads (or copies from addons.mirror) what is missing; a wrong sha256 stops the run before any host changes. */
export async function prefetchAddons(inv: Inventory, log: (line: string) => void): Promise<void> {
  const table = artifactTable();
  const wanted = addonBundle(inv, table).upstream.map((u) => u.artifact);
  try {
    for (const r of await ensureArtifacts(wanted, inv)) if (r.downloaded) log(`add-on ${r.artifact.component} ${r.artifact.version}: ${r.artifact.file} downloaded and verified (sha256 ${r.artifact.sha256.slice(0, 12)}…)`);
  } catch (e) {
    throw new UserError(`add-ons: ${(e as Error).message}`, 1);
  }
}
