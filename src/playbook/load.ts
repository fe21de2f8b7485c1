// Loads a playbook (and its imports) into validated plays, with every error at file:line:col, before any connection.
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { Provider } from '../core/types.js';
import type { Inventory } from '../inventory/types.js';
import { didYouMean, parseYamlFile, zodIssuesToFindings, type YamlDocument, type YamlPath } from '../yaml/index.js';
import { registryModuleSource, MODULE_NAME, type ModuleSource } from './modules.js';
import { DISPLAY_NAME, DISPLAY_NAME_MESSAGE, importSchema, playbookSchema, playSchema, TASK_KEYS } from './schema.js';
import { emptySelectionProblem, parseSelector, resolveTerms, selectorNames, SelectorError } from './selector.js';
import type { Play, Playbook, Task } from './types.js';
import { parseWhen, WhenError } from './when.js';

export interface LoadPlaybookOptions {
  path: string;
  /** When given, host selectors are checked against it (unknown names are errors at their line). */
  inventory?: Inventory;
  modules?: ModuleSource;
  /** Allow `import:` of files outside the top playbook's directory tree (--allow-import-outside). */
  allowImportOutside?: boolean;
}

export interface LoadResult {
  playbook?: Playbook;
  findings: Finding[];
}

interface Ctx {
  opts: LoadPlaybookOptions;
  modules: ModuleSource;
  findings: Finding[];
  providers: Map<string, Provider>;
  /** Each playbook file loaded once (real path → its result), however often it is imported. */
  files: Map<string, Promise<FileResult>>;
  /** The directory of the top playbook: imports stay inside it unless allowImportOutside. */
  root: string;
}

/** Distinct playbook files one run may load. */
export const MAX_PLAYBOOK_FILES = 64;
/** Plays after imports are expanded: far above any real playbook, far below what a fan-out of imports makes. */
export const MAX_PLAYS = 500;

/** A view of `doc` rooted at `prefix`, so a sub-schema's issues land at the right line:col. */
function subDoc(doc: YamlDocument, prefix: YamlPath): YamlDocument {
  return { ...doc, positionOf: (p) => doc.positionOf([...prefix, ...p]), keyPositionOf: (p) => doc.keyPositionOf([...prefix, ...p]) };
}

function check<T>(schema: z.ZodType<T>, value: unknown, doc: YamlDocument, prefix: YamlPath, ctx: Ctx): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  ctx.findings.push(...zodIssuesToFindings(r.error.issues, subDoc(doc, prefix), { schema }));
  return undefined;
}

function err(ctx: Ctx, doc: YamlDocument, path: YamlPath, code: string, message: string, hint?: string, key = false): void {
  const pos = key ? doc.keyPositionOf(path) : doc.positionOf(path);
  ctx.findings.push({ level: 'error', code, message, file: doc.file, ...pos, ...(hint ? { hint } : {}) });
}

function defaultName(mod: string, params: unknown): string {
  const first = params && typeof params === 'object' ? Object.values(params).find((v) => typeof v === 'string' || typeof v === 'number') : params;
  const text = first === undefined ? '' : ` ${String(first)}`;
  return `${mod}${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

async function loadTask(item: Record<string, unknown>, doc: YamlDocument, path: YamlPath, ctx: Ctx, handler: boolean): Promise<Task | undefined> {
  const modKeys = Object.keys(item).filter((k) => !(TASK_KEYS as readonly string[]).includes(k));
  if (modKeys.length !== 1) {
    const msg = modKeys.length === 0 ? 'task names no module' : `task names ${modKeys.length} modules (${modKeys.join(', ')}); one per task`;
    return void err(ctx, doc, path, 'playbook', msg, `a task is { name?, <module>: params, when?, notify? }; modules: ${ctx.modules.names().join(', ')}`);
  }
  const modName = modKeys[0]!;
  const where = { file: doc.file, ...doc.keyPositionOf([...path, modName]) };
  const loaded = MODULE_NAME.test(modName) ? await ctx.modules.load(modName) : undefined;
  if (!loaded) {
    const guess = didYouMean(modName, ctx.modules.names());
    return void err(ctx, doc, [...path, modName], 'unknown-module', `unknown module '${modName}'`, guess ? `did you mean '${guess}'?` : `modules: ${ctx.modules.names().join(', ')}`, true);
  }
  for (const p of loaded.providers) ctx.providers.set(p.name, p);
  const params = check(loaded.module.schema as z.ZodType<unknown>, item[modName] ?? {}, doc, [...path, modName], ctx);
  const name = item.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) err(ctx, doc, [...path, 'name'], 'playbook', 'name must be a non-empty string');
  else if (typeof name === 'string' && !DISPLAY_NAME.test(name)) err(ctx, doc, [...path, 'name'], 'playbook', DISPLAY_NAME_MESSAGE);
  if (handler && typeof name !== 'string') err(ctx, doc, path, 'playbook', 'a handler needs a name (tasks notify it by name)');
  const notifyRaw = item.notify ?? [];
  const notify = typeof notifyRaw === 'string' ? [notifyRaw] : notifyRaw;
  if (!Array.isArray(notify) || notify.some((n) => typeof n !== 'string')) err(ctx, doc, [...path, 'notify'], 'playbook', 'notify must be a handler name or a list of them');
  let when: Task['when'];
  if (item.when !== undefined) {
    if (typeof item.when !== 'string') err(ctx, doc, [...path, 'when'], 'when', 'when must be an expression string');
    else {
      try {
        when = { source: item.when, expr: parseWhen(item.when) };
      } catch (e) {
        const off = e instanceof WhenError ? ` (character ${e.offset + 1} of the expression)` : '';
        err(ctx, doc, [...path, 'when'], 'when', `${(e as Error).message}${off}`, "e.g. when: \"host.role == 'worker' and facts.board == 'raspberry-pi'\"");
      }
    }
  }
  if (params === undefined) return undefined;
  return { name: typeof name === 'string' && name ? name : defaultName(modName, item[modName]), module: loaded.module, params, when, notify: Array.isArray(notify) ? (notify as string[]) : [], where };
}

async function loadPlay(item: Record<string, unknown>, doc: YamlDocument, path: YamlPath, ctx: Ctx): Promise<Play | undefined> {
  const play = check(playSchema, item, doc, path, ctx);
  if (!play) return undefined;
  let selector: Play['selector'] = [];
  try {
    selector = parseSelector(play.hosts);
    if (ctx.opts.inventory) {
      resolveTerms(selector, ctx.opts.inventory);
      const empty = emptySelectionProblem(selector, ctx.opts.inventory);
      if (empty) err(ctx, doc, [...path, 'hosts'], 'hosts', empty, 'see docs/playbooks.md#host-selectors');
    }
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    const bad = /'([^']+)'/.exec(e.message)?.[1];
    const guess = bad && ctx.opts.inventory ? didYouMean(bad, selectorNames(ctx.opts.inventory)) : undefined;
    err(ctx, doc, [...path, 'hosts'], 'hosts', e.message, guess ? `did you mean '${guess}'?` : 'see docs/playbooks.md#host-selectors');
  }
  const tasks = await Promise.all(play.tasks.map((t, i) => loadTask(t, doc, [...path, 'tasks', i], ctx, false)));
  const handlers = await Promise.all((play.handlers ?? []).map((t, i) => loadTask(t, doc, [...path, 'handlers', i], ctx, true)));
  const handlerNames = new Set(handlers.flatMap((h) => (h ? [h.name] : [])));
  tasks.forEach((t, i) =>
    t?.notify.forEach((n) => {
      if (!handlerNames.has(n)) err(ctx, doc, [...path, 'tasks', i, 'notify'], 'notify', `no handler named '${n}' in play '${play.name}'`, didYouMean(n, [...handlerNames]) ? `did you mean '${didYouMean(n, [...handlerNames])}'?` : undefined);
    }),
  );
  if (tasks.includes(undefined) || handlers.includes(undefined)) return undefined;
  return { name: play.name, hosts: play.hosts, selector, serial: play.serial, tasks: tasks as Task[], handlers: handlers as Task[], where: { file: doc.file, ...doc.positionOf(path) } };
}

/** What one playbook file gives: its name and its plays, imports expanded (loaded once per file, then reused). */
interface FileResult {
  name?: string;
  plays: Play[];
  /** Set when the file is not a playbook at all: the importer reports it at its import line, echoing nothing of it. */
  notPlaybook?: boolean;
}

/** An import's target, checked before it is read: YAML by name, inside the playbook's tree unless allowed. */
async function importTarget(from: string, spec: string, ctx: Ctx): Promise<{ path: string } | { problem: string; hint?: string }> {
  if (!/\.ya?ml$/i.test(spec)) return { problem: `cannot import '${spec}': only .yaml or .yml playbooks can be imported`, hint: 'import: names another playbook file' };
  const target = resolve(dirname(from), spec);
  let real: string;
  try {
    real = realpathSync(target); // synchronous, as parseYamlFile reads (yaml/document.ts)
    if (!statSync(real).isFile()) return { problem: `cannot import '${spec}': not a regular file` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: `cannot import '${spec}': ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read it (${code})`}` };
  }
  if (!ctx.opts.allowImportOutside && !isInside(ctx.root, real)) {
    return { problem: `cannot import '${spec}': it is outside the playbook's directory ${ctx.root}`, hint: 'move it under that directory, or pass --allow-import-outside' };
  }
  return { path: real };
}

const isInside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** A file is a playbook when it is a mapping with `plays:`; anything else is refused without showing its content. */
const looksLikePlaybook = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, 'plays');

function loadFile(file: string, ctx: Ctx, stack: string[], imported: boolean): Promise<FileResult> {
  let loaded = ctx.files.get(file);
  if (!loaded) {
    loaded = readPlaybookFile(file, ctx, stack, imported);
    ctx.files.set(file, loaded);
  }
  return loaded;
}

async function readPlaybookFile(file: string, ctx: Ctx, stack: string[], imported: boolean): Promise<FileResult> {
  const doc = await parseYamlFile(file);
  if (imported && doc.value !== undefined && !looksLikePlaybook(doc.value)) return { plays: [], notPlaybook: true };
  ctx.findings.push(...doc.findings);
  if (doc.value === undefined) return { plays: [] };
  const pb = check(playbookSchema, doc.value, doc, [], ctx);
  if (!pb) return { plays: [] };
  const plays: Play[] = [];
  for (const [i, item] of pb.plays.entries()) {
    if ('import' in item) {
      const imp = check(importSchema, item, doc, ['plays', i], ctx);
      if (!imp) continue;
      const at: YamlPath = ['plays', i, 'import'];
      const target = await importTarget(file, imp.import, ctx);
      if ('problem' in target) {
        err(ctx, doc, at, 'import', target.problem, target.hint);
        continue;
      }
      if (stack.includes(target.path)) {
        err(ctx, doc, at, 'import', `import cycle: ${[...stack, target.path].join(' → ')}`);
        continue;
      }
      if (!ctx.files.has(target.path) && ctx.files.size >= MAX_PLAYBOOK_FILES) {
        err(ctx, doc, at, 'import', `too many playbook files (the limit is ${MAX_PLAYBOOK_FILES})`);
        break;
      }
      const sub = await loadFile(target.path, ctx, [...stack, target.path], true);
      if (sub.notPlaybook) {
        err(ctx, doc, at, 'import', `cannot import '${imp.import}': it is not a playbook (a mapping with name: and plays:)`);
        continue;
      }
      if (plays.length + sub.plays.length > MAX_PLAYS) {
        err(ctx, doc, at, 'import', `this import makes more than ${MAX_PLAYS} plays`, 'a playbook imported many times is expanded each time: import it once');
        break;
      }
      plays.push(...sub.plays);
    } else {
      const play = await loadPlay(item, doc, ['plays', i], ctx);
      if (play) plays.push(play);
      if (plays.length > MAX_PLAYS) {
        err(ctx, doc, ['plays', i], 'playbook', `more than ${MAX_PLAYS} plays`);
        break;
      }
    }
  }
  return { name: pb.name, plays };
}

export async function loadPlaybook(opts: LoadPlaybookOptions): Promise<LoadResult> {
  let file = resolve(opts.path);
  try {
    file = realpathSync(file);
  } catch {
    // a missing file is reported by parseYamlFile
  }
  const ctx: Ctx = { opts, modules: opts.modules ?? registryModuleSource(), findings: [], providers: new Map(), files: new Map(), root: dirname(file) };
  const { name, plays } = await loadFile(file, ctx, [file], false);
  if (ctx.findings.some((f) => f.level === 'error') || name === undefined) return { findings: ctx.findings };
  return { playbook: { name, file, plays, providers: ctx.providers }, findings: ctx.findings };
}
