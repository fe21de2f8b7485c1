// Reads the import graph of a source tree (relative imports only, by the TypeScript compiler's own pre-processor) for the layering test.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** File (relative to the root, with .ts) → the files it imports (same form). Type-only, re-exports and dynamic `import('./x.js')` count too. */
export type ImportGraph = Map<string, string[]>;

export function readImportGraph(root: string): ImportGraph {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(root);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const deps: string[] = [];
    // ts.preProcessFile lists every module specifier (import, import type, export from, import()) as tsc reads it.
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!spec.startsWith('.') || !spec.endsWith('.js')) continue; // packages, JSON and assets are not our code
      deps.push(relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    }
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** Every strongly connected group of more than one file (or a file importing itself), each sorted. */
export function findCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Imports from files under one of `from` into files under one of `to`, as "importer -> imported". */
export function importsAcross(graph: ImportGraph, from: string[], to: string[]): string[] {
  const under = (file: string, dirs: string[]) => dirs.some((d) => file === d || file.startsWith(`${d}/`));
  const found: string[] = [];
  for (const [file, deps] of graph) {
    if (!under(file, from)) continue;
    for (const dep of deps) if (under(dep, to)) found.push(`${file} -> ${dep}`);
  }
  return found.sort();
}
