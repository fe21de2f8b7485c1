// `provision lab run`: the argv and environment that run provision as the laptop would, from the lab's controller namespace.
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from './host-runtime.js';
import type { LabState } from './state.js';

export function labRunEnv(state: LabState, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    HOME: `${state.plan.dir}/home`,
    PROVISION_SSH_CONFIG: `${state.plan.dir}/ssh/ssh_config`,
    PROVISION_PACKAGES_URL: state.packagesUrl,
    PROVISION_PACKAGES_KEY: state.packagesKey,
    PROVISION_LAB: state.plan.name,
    // Add-ons come from the lab's stand-in artifacts, checked against their own table (as the real ones are).
    PROVISION_ADDONS_MIRROR: base.PROVISION_ADDONS_MIRROR ?? resolve(PACKAGE_ROOT, 'dist/lab/assets/standins/addons'),
    PROVISION_ADDONS_TABLE: base.PROVISION_ADDONS_TABLE ?? resolve(PACKAGE_ROOT, 'dist/lab/assets/standins/addons/versions.json'),
  };
}

export function labRunArgv(state: LabState, args: string[], root = PACKAGE_ROOT): string[] {
  return ['ip', 'netns', 'exec', state.plan.controllerNs, process.execPath, resolve(root, 'dist/cli/main.js'), ...args];
}
