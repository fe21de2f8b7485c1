// `provision render -i INVENTORY [--out DIR] [--facts FILE]`: every file `up` would write on each host and the
// cluster's add-on objects, written to a directory for review, without connecting to anything.
import { mkdirSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadInventoryOrThrow } from '../inventory/load.js';
import { LINT_CODES } from '../inventory/lint/index.js';
import { loadPlaybook } from '../playbook/load.js';
import { formatFinding } from '../core/finding.js';
import { useArtifactPlaceholders } from '../modules/cluster/addons/artifacts.js';
import { readFactsFile } from '../render/assumed-facts.js';
import { renderPlan, type RenderedFile } from '../render/render-plan.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { bundledPlaybook } from './cluster/playbook-run.js';
import { UsageError, UserError } from '../core/errors.js';

export const spec = defineVerb({
  name: 'render',
  options: {
    inventory: { type: 'string', short: 'i' },
    out: { type: 'string' },
    facts: { type: 'string' },
    playbook: { type: 'string' },
  },
  help: `usage: provision render -i INVENTORY [--out DIR] [--facts FILE] [--playbook PLAYBOOK]

Plans playbooks/up.yaml for every host with the modules' own code, connecting to nothing, and writes
every file a step would put on a host to DIR/<host>/<absolute path> (haproxy.cfg, kube-vip.yaml, the
kubeadm config, the nftables ruleset, route persistence, containerd's config...), the commands the steps
would run to DIR/<host>/COMMANDS, and the cluster's add-on configuration objects to DIR/cluster/addons/.
Hosts are assumed fresh Debian 12 with ifupdown and eth0 unless --facts FILE (from
the JSON that 'provision facts' prints) gives their real base facts. Upstream add-on manifests are named (URL,
sha256), not copied. DIR defaults to ./render/<cluster>; it is replaced.
  -i, --inventory FILE   the inventory
  --out DIR              where to write (default ./render/<cluster>)
  --facts FILE           hosts' base facts from the JSON that 'provision facts' prints instead of assumed ones
  --playbook PLAYBOOK    render another playbook than up.yaml
  -h, --help             this text
Exit status: 0 written, 1 a task could not be planned (listed in DIR/ERRORS) or bad input, 64 usage error.`,
});

function writeTree(root: string, files: RenderedFile[]): void {
  for (const f of files) {
    const path = join(root, f.path.replace(/^\/+/, ''));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { mode: 0o600 });
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, spec);
  if (!values.inventory) throw new UsageError('render needs -i INVENTORY');
  // Render changes nothing: lint findings are shown, and only a schema error stops it.
  const inv = await loadInventoryOrThrow(values.inventory, { lint: true, acceptLint: [...LINT_CODES], warn: (l) => process.stderr.write(`${l}\n`) });
  const facts = values.facts ? (() => {
    try {
      return readFactsFile(values.facts);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
  })() : new Map();
  const path = values.playbook ?? bundledPlaybook('up.yaml');
  const loaded = await loadPlaybook({ path, inventory: inv });
  if (!loaded.playbook) throw new UserError(`playbook ${path}:\n${loaded.findings.filter((f) => f.level === 'error').map(formatFinding).join('\n')}`);
  useArtifactPlaceholders();
  const result = renderPlan(inv, loaded.playbook, facts);
  const out = resolve(values.out ?? join('render', inv.cluster.name));
  // Replace only what render wrote before (a directory of host folders + cluster/), never an unrelated one.
  if (existsSync(out) && readdirSync(out).some((e) => e !== 'cluster' && !inv.hosts.some((h) => h.name === e) && e !== 'ERRORS')) {
    throw new UserError(`--out ${out} exists and holds files render did not write; choose another directory`);
  }
  rmSync(out, { recursive: true, force: true });
  for (const h of inv.hosts) {
    const dir = join(out, h.name);
    mkdirSync(dir, { recursive: true });
    writeTree(dir, result.hosts.get(h.name) ?? []);
    writeFileSync(join(dir, 'COMMANDS'), (result.commands.get(h.name) ?? []).join('\n') + '\n');
  }
  writeTree(join(out, 'cluster'), result.cluster);
  const count = [...result.hosts.values()].reduce((n, l) => n + l.length, 0) + result.cluster.length;
  if (result.errors.length) {
    writeFileSync(join(out, 'ERRORS'), result.errors.join('\n') + '\n');
    process.stderr.write(`render: ${result.errors.length} task${result.errors.length === 1 ? '' : 's'} could not be planned:\n${result.errors.map((e) => `  ${e}`).join('\n')}\n`);
  }
  process.stdout.write(`render: ${count} files for ${inv.hosts.length} hosts and the cluster in ${out}\n`);
  return result.errors.length ? 1 : 0;
}
