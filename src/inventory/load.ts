// Loads an inventory file: YAML with positions → schema → Inventory, every problem as a finding at its line:col.
import { resolve } from 'node:path';
import { formatFinding, hasErrors, type Finding } from '../core/finding.js';
import { FindingsError } from '../core/errors.js';
import { parseYamlFile, zodIssuesToFindings, type YamlDocument } from '../yaml/index.js';
import { inventorySchema } from './schema.js';
import type { Inventory } from './types.js';
import { lintInventory } from './lint/index.js';
import { withDisplayPaths } from './display-path.js';

/** Environment variables that override cluster.packages (the lab points apt at its own mirror). */
export const PACKAGES_URL_ENV = 'PROVISION_PACKAGES_URL';
export const PACKAGES_KEY_ENV = 'PROVISION_PACKAGES_KEY';
/** Overrides addons.mirror (the lab points it at its stand-in artifacts). */
export const ADDONS_MIRROR_ENV = 'PROVISION_ADDONS_MIRROR';

export interface LoadedInventory {
  /** Undefined when findings contain an error. */
  inventory?: Inventory;
  findings: Finding[];
  /** The parsed YAML: `source.positionOf(['hosts', name, 'address'])` gives the line:col of any value. */
  source: YamlDocument;
}

export function applyEnvOverrides(inv: Inventory, env: NodeJS.ProcessEnv = process.env): Inventory {
  const mirror = env[ADDONS_MIRROR_ENV];
  if (mirror) inv = { ...inv, addons: { ...inv.addons, mirror } };
  const url = env[PACKAGES_URL_ENV];
  const key = env[PACKAGES_KEY_ENV];
  if (!url && !key) return inv;
  const packages = { ...inv.cluster.packages, ...(url ? { url } : {}), ...(key ? { key } : {}) };
  return { ...inv, cluster: { ...inv.cluster, packages } };
}

/** Validates a YAML document already parsed (used by loadInventory and by tests on in-memory text). */
export function inventoryFromYaml(source: YamlDocument, env: NodeJS.ProcessEnv = process.env): LoadedInventory {
  if (source.value === undefined) return { findings: source.findings, source };
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    return { findings: [{ level: 'error', code: 'schema', message: 'the inventory must be a mapping with cluster, network, ssh and hosts', file: source.file, line: 1, col: 1 }], source };
  }
  const parsed = inventorySchema.safeParse(source.value);
  if (!parsed.success) return { findings: zodIssuesToFindings(parsed.error.issues, source, { schema: inventorySchema }), source };
  const inventory = applyEnvOverrides({ file: source.file, ...parsed.data }, env);
  return { inventory, findings: [], source };
}

export async function loadInventory(path: string): Promise<LoadedInventory> {
  const source = await parseYamlFile(resolve(path));
  return inventoryFromYaml(source);
}

function failure(path: string, findings: Finding[], hint = `run 'provision lint -i ${path}' for details`): FindingsError {
  const errors = withDisplayPaths(findings.filter((f) => f.level === 'error'));
  return new FindingsError(`inventory ${path} has ${errors.length} error${errors.length === 1 ? '' : 's'}:`, errors, hint);
}

/** Options for the verbs that touch hosts: the network plan is linted before any connection. */
export interface LoadOptions {
  lint?: boolean;
  /**
   * Lint codes the user accepts knowingly (`--accept-lint CODE,...`): their errors are shown as
   * warnings on `warn` instead of stopping the run. Schema and YAML errors can never be accepted.
   */
  acceptLint?: string[];
  warn?: (line: string) => void;
}

/** What every verb calls: the Inventory, or a UserError listing the errors (with lint: the network plan's too). */
export async function loadInventoryOrThrow(path: string, opts: LoadOptions = {}): Promise<Inventory> {
  const { inventory, findings, source } = await loadInventory(path);
  if (!inventory || hasErrors(findings)) throw failure(path, findings);
  if (opts.lint) {
    const accepted = new Set(opts.acceptLint ?? []);
    const planFindings = lintInventory(inventory, source).map((f) =>
      f.level === 'error' && accepted.has(f.code) ? { ...f, level: 'warning' as const, message: `${f.message} (accepted with --accept-lint)` } : f,
    );
    if (hasErrors(planFindings)) {
      const codes = [...new Set(planFindings.filter((f) => f.level === 'error').map((f) => f.code))].join(',');
      throw failure(path, planFindings, `fix the inventory, or proceed knowingly with --accept-lint ${codes}`);
    }
    for (const f of withDisplayPaths(planFindings.filter((f) => f.level === 'error' || accepted.has(f.code)))) opts.warn?.(formatFinding(f));
  }
  return inventory;
}
