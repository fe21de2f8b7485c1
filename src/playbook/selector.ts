// The `hosts:` / `--limit` selector grammar: roles, host names, all, union, exclusion, intersection, slices.
import type { Host, Inventory } from '../inventory/types.js';

/**
 * Grammar (whitespace around terms is ignored):
 *   selector := term (',' term)*
 *   term     := ['!' | '&'] atom
 *   atom     := name [ '[' INT ']' | '[' [INT] ':' [INT] ']' ]
 *   name     := 'all' | role (control-plane | worker | lb) | host name
 * Plain terms are unioned, then every `&` term intersects, then every `!` term excludes (in that
 * order, whatever their position — Ansible's semantics). Index and slice pick from the group in
 * inventory file order (Python slice rules, negative indexes allowed). A name that is both a role
 * and a host name means the role. Results are always in inventory file order.
 */
export interface Atom {
  name: string;
  index?: number;
  slice?: { start?: number; end?: number };
}
export interface Term {
  op: 'add' | 'and' | 'not';
  atom: Atom;
}

export class SelectorError extends Error {}

const ROLES = new Set(['control-plane', 'worker', 'lb']);
const ATOM = /^([a-z0-9][a-z0-9.-]*)(?:\[(-?\d+)\]|\[(-?\d+)?:(-?\d+)?\])?$/;

export function parseSelector(text: string): Term[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new SelectorError(`empty term in host selector '${text}'`);
  return parts.map((part): Term => {
    const op = part.startsWith('!') ? 'not' : part.startsWith('&') ? 'and' : 'add';
    const rest = op === 'add' ? part : part.slice(1).trim();
    const m = ATOM.exec(rest);
    if (!m) throw new SelectorError(`invalid host selector term '${part}' (expected a role, a host name or 'all', optionally [N] or [A:B])`);
    const atom: Atom = { name: m[1]! };
    if (m[2] !== undefined) atom.index = Number(m[2]);
    else if (rest.includes(':')) atom.slice = { ...(m[3] !== undefined ? { start: Number(m[3]) } : {}), ...(m[4] !== undefined ? { end: Number(m[4]) } : {}) };
    return { op, atom };
  });
}

/** Names that an atom may use: 'all', the roles and every host. */
export function selectorNames(inventory: Inventory): string[] {
  return ['all', ...ROLES, ...inventory.hosts.map((h) => h.name)];
}

function group(name: string, inventory: Inventory): Host[] | undefined {
  if (name === 'all') return inventory.hosts;
  if (ROLES.has(name)) return inventory.hosts.filter((h) => h.role === name);
  const host = inventory.hosts.find((h) => h.name === name);
  return host ? [host] : undefined;
}

function pick(hosts: Host[], atom: Atom): Host[] {
  const n = hosts.length;
  const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
  if (atom.index !== undefined) {
    const h = hosts[atom.index < 0 ? n + atom.index : atom.index];
    return h ? [h] : [];
  }
  if (atom.slice) return hosts.slice(norm(atom.slice.start ?? 0), norm(atom.slice.end ?? n));
  return hosts;
}

/** Unknown names throw (with the nearest known name left to the caller's did-you-mean). */
export function resolveTerms(terms: Term[], inventory: Inventory): Host[] {
  const sets = { add: new Set<string>(), and: [] as Set<string>[], not: new Set<string>() };
  for (const t of terms) {
    const g = group(t.atom.name, inventory);
    if (!g) throw new SelectorError(`unknown host or role '${t.atom.name}'`);
    const names = pick(g, t.atom).map((h) => h.name);
    if (t.op === 'add') names.forEach((x) => sets.add.add(x));
    else if (t.op === 'and') sets.and.push(new Set(names));
    else names.forEach((x) => sets.not.add(x));
  }
  // A selector of only `!x` / `&x` terms starts from all hosts.
  const base = terms.some((t) => t.op === 'add') ? sets.add : new Set(inventory.hosts.map((h) => h.name));
  return inventory.hosts.filter((h) => base.has(h.name) && sets.and.every((s) => s.has(h.name)) && !sets.not.has(h.name));
}

/**
 * Why a play's selector is a mistake although it parses, or undefined. A selector whose groups are all non-empty
 * but that still selects no host (`all,!all`), or an index past its group's end (`worker[99]`), is an error; a
 * role with no host in this inventory (`lb` under kube-vip) or an empty slice (`control-plane[1:]` with one
 * control plane) is not: a playbook written for many inventories selects nothing in some of them.
 */
export function emptySelectionProblem(terms: Term[], inventory: Inventory): string | undefined {
  for (const t of terms) {
    const g = group(t.atom.name, inventory);
    if (g && g.length > 0 && t.atom.index !== undefined && pick(g, t.atom).length === 0) {
      return `'${t.atom.name}[${t.atom.index}]' is past the end: '${t.atom.name}' has ${g.length} host${g.length === 1 ? '' : 's'} (indexes 0 to ${g.length - 1}, or -1 to -${g.length})`;
    }
  }
  const allNonEmpty = terms.every((t) => !t.atom.slice && (group(t.atom.name, inventory)?.length ?? 0) > 0);
  if (allNonEmpty && resolveTerms(terms, inventory).length === 0) return 'this selector matches no host: every host it adds is excluded again';
  return undefined;
}

export function selectHosts(text: string, inventory: Inventory): Host[] {
  return resolveTerms(parseSelector(text), inventory);
}
