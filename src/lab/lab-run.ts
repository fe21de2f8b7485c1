// `provision lab run`: the argv and environment that run provision as the laptop would, from the lab's controller namespace.
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from './host-paths.js';
import type { LabState } from './state.js';
import { labAddonsDir } from './standin-addons/write.js';

export function labRunEnv(state: LabState, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    HOME: `${state.plan.dir}/home`,
    PROVISION_SSH_CONFIG: `${state.plan.dir}/ssh/ssh_config`,
    PROVISION_PACKAGES_URL: state.packagesUrl,
    PROVISION_PACKAGES_KEY: state.packagesKey,
    PROVISION_LAB: state.plan.name,
    // Add-ons come from the stand-in releases `lab up` wrote, checked against their own table (as the real ones are).
    PROVISION_ADDONS_MIRROR: base.PROVISION_ADDONS_MIRROR ?? labAddonsDir(state.plan.dir),
    PROVISION_ADDONS_TABLE: base.PROVISION_ADDONS_TABLE ?? join(labAddonsDir(state.plan.dir), 'versions.json'),
  };
}

export function labRunArgv(state: LabState, args: string[], root = PACKAGE_ROOT): string[] {
  return ['ip', 'netns', 'exec', state.plan.controllerNs, process.execPath, resolve(root, 'dist/cli/main.js'), ...args];
}
