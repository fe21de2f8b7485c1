// The real modules for playbook loading under vitest: fileModuleSource's `import(\`../modules/${name}.js\`)` does not
// resolve under vite, so this is the same lookup with .ts paths.
import { fileModuleSource, type ModuleSource } from '../../src/playbook/modules.js';

const real = fileModuleSource();
export const viteModules: ModuleSource = {
  names: real.names,
  async load(name) {
    if (!real.names().includes(name)) return undefined;
    const m = (await import(`../../src/modules/${name}.ts`)) as { default: any; providers?: any[] };
    return { module: m.default, providers: m.providers ?? [] };
  },
};
