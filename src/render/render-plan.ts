// Plans playbooks/up.yaml for every host without connecting (the modules' own plan code, assumed facts) and
// collects every file a write step would put on each host, plus the cluster's add-on configuration.
import type { BaseFacts, Facts, Step } from '../core/types.js';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import { resolveTerms } from '../playbook/selector.js';
import { whenHolds } from '../playbook/when.js';
import { Secret } from '../core/secret.js';
import { describeProvide } from '../core/provide-step.js';
import { artifactTable } from '../modules/cluster/addons/artifacts.js';
import { addonBundle, stageYaml } from '../modules/cluster/addons/bundle.js';
import { assumedBase, assumedFiles, renderFacts } from './assumed-facts.js';

export interface RenderedFile {
  path: string;
  content: string;
  mode?: number;
  /** The task that writes it. */
  task: string;
}

export interface RenderResult {
  hosts: Map<string, RenderedFile[]>;
  /** cluster/… files: add-on configuration objects and the artifacts they come with. */
  cluster: RenderedFile[];
  /** Commands the steps would run, per host (for the index). */
  commands: Map<string, string[]>;
  errors: string[];
}

function contentOf(s: Extract<Step, { kind: 'write' }>): string {
  if (typeof s.content === 'string') return s.content;
  if (s.content instanceof Secret) return '# secret content: not rendered\n';
  // A template's placeholders are filled at apply time from provider outputs: they stay placeholders here.
  return s.content.template;
}

export function renderPlan(inv: Inventory, playbook: Playbook, facts: ReadonlyMap<string, BaseFacts> = new Map()): RenderResult {
  const out: RenderResult = { hosts: new Map(inv.hosts.map((h) => [h.name, []])), cluster: [], commands: new Map(inv.hosts.map((h) => [h.name, []])), errors: [] };
  const written = new Map(inv.hosts.map((h) => [h.name, assumedFiles(h, facts.get(h.name) ?? assumedBase(h))]));
  const peers = new Map<string, Facts>();
  for (const play of playbook.plays) {
    const hosts = resolveTerms(play.selector, inv);
    for (const host of hosts) {
      const base = facts.get(host.name) ?? assumedBase(host);
      for (const task of play.tasks) {
        if (task.when && !whenHolds(task.when.expr, { host, facts: base })) continue;
        const ctxBase = { host, inventory: inv };
        try {
          const probe = task.module.probe(task.params, ctxBase);
          const f = renderFacts(base, probe, written.get(host.name)!);
          const planned = task.module.plan(task.params, { ...ctxBase, facts: f, peers, task: task.name });
          for (const c of Array.isArray(planned) ? planned : [planned]) {
            for (const s of c.steps) {
              if (s.kind === 'write') {
                const content = contentOf(s);
                written.get(host.name)!.set(s.path, content);
                const list = out.hosts.get(host.name)!;
                const i = list.findIndex((x) => x.path === s.path);
                const file = { path: s.path, content, task: task.name, ...(s.mode !== undefined ? { mode: s.mode } : {}) };
                if (i >= 0) list[i] = file;
                else list.push(file);
              } else if (s.kind === 'delete') written.get(host.name)!.delete(s.path);
              else if (s.kind === 'exec') out.commands.get(host.name)!.push(`${task.name}: ${s.secret ? '(secret command)' : s.command.argv.join(' ')}`);
              else if (s.kind === 'provide') out.commands.get(host.name)!.push(`${task.name}: ${describeProvide(s)}`);
            }
          }
        } catch (e) {
          out.errors.push(`${host.name} ${task.name}: ${(e as Error).message}`);
        }
      }
    }
  }
  const bundle = addonBundle(inv, artifactTable());
  bundle.stages.forEach((s, i) => out.cluster.push({ path: `addons/${String(i + 1).padStart(2, '0')}-${s.name}.yaml`, content: stageYaml(s), task: 'addons' }));
  if (bundle.upstream.length) {
    const lines = bundle.upstream.map((u) => `${u.artifact.component} ${u.artifact.version} ${u.artifact.url} sha256=${u.artifact.sha256}${u.exclude.length ? ` without ${u.exclude.join(',')}` : ''}`);
    out.cluster.push({ path: 'addons/upstream.txt', content: `# upstream artifacts applied first (server-side), verified by sha256, never copied\n${lines.join('\n')}\n`, task: 'addons' });
  }
  return out;
}
