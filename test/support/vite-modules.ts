// The real modules for playbook loading in tests: the static registry (its literal imports resolve under vite too).
import { registryModuleSource, type ModuleSource } from '../../src/playbook/modules.js';

export const viteModules: ModuleSource = registryModuleSource();
