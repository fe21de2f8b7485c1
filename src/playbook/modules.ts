// Finds modules by name in the static registry (src/modules/registry.ts); tests pass an in-memory source.
import type { Module, Provider } from '../core/types.js';
import { MODULES, moduleNames } from '../modules/registry.js';

export const MODULE_NAME = /^[a-z][a-z0-9-]*$/;

export interface LoadedModule {
  module: Module;
  providers: Provider[];
}

/** How the loader finds modules; tests pass an in-memory one. */
export interface ModuleSource {
  load(name: string): Promise<LoadedModule | undefined>;
  names(): string[];
}

function isModule(v: unknown): v is Module {
  const m = v as Partial<Module> | undefined;
  return !!m && typeof m.name === 'string' && typeof m.plan === 'function' && typeof m.probe === 'function' && !!m.schema;
}

/** The modules of src/modules/registry.ts, each loaded on first use. */
export function registryModuleSource(): ModuleSource {
  const cache = new Map<string, Promise<LoadedModule | undefined>>();
  return {
    names: () => moduleNames(),
    load(name) {
      if (!MODULE_NAME.test(name) || !Object.hasOwn(MODULES, name)) return Promise.resolve(undefined);
      let p = cache.get(name);
      if (!p) {
        p = MODULES[name]!.load().then((mod) => {
          if (!isModule(mod.default) || mod.default.name !== name) throw new Error(`the registry's module '${name}' does not export a Module named '${name}' as default`);
          return { module: mod.default, providers: Array.isArray(mod.providers) ? mod.providers : [] };
        });
        cache.set(name, p);
      }
      return p;
    },
  };
}

/** For tests and for programs that build modules in code. */
export function memoryModuleSource(modules: Module[], providers: Provider[] = []): ModuleSource {
  const byName = new Map(modules.map((m) => [m.name, m]));
  return {
    names: () => [...byName.keys()].sort(),
    load: async (name) => {
      const module = byName.get(name);
      return module ? { module, providers } : undefined;
    },
  };
}
