// Finds modules by name: src/modules/<name>.ts exporting a default Module (and optionally `providers`).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Module, Provider } from '../core/types.js';
import { CODE_ROOT } from '../package-root.js';

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

const MODULES_DIR = join(CODE_ROOT, 'modules');

function isModule(v: unknown): v is Module {
  const m = v as Partial<Module> | undefined;
  return !!m && typeof m.name === 'string' && typeof m.plan === 'function' && typeof m.probe === 'function' && !!m.schema;
}

/** The real modules directory (dist/modules when built, src/modules under vitest). Loaded lazily. */
export function fileModuleSource(dir = MODULES_DIR): ModuleSource {
  const cache = new Map<string, Promise<LoadedModule | undefined>>();
  const names = () => {
    try {
      return readdirSync(dir)
        .filter((f) => /^[a-z][a-z0-9-]*\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
        .map((f) => f.replace(/\.(js|ts)$/, ''))
        .sort();
    } catch {
      return [];
    }
  };
  return {
    names,
    load(name) {
      if (!MODULE_NAME.test(name)) return Promise.resolve(undefined);
      let p = cache.get(name);
      if (!p) {
        p = (async () => {
          if (!names().includes(name)) return undefined;
          const mod = (await import(`../modules/${name}.js`)) as { default?: unknown; providers?: Provider[] };
          if (!isModule(mod.default)) throw new Error(`src/modules/${name}.ts does not export a Module as default`);
          return { module: mod.default, providers: Array.isArray(mod.providers) ? mod.providers : [] };
        })();
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
