#!/usr/bin/env node
// The provision CLI: maps a verb to its handler module (loaded lazily, so a re-run loads only what it uses).
import { UserError } from './errors.js';

/** Each verb file exports `run(argv: string[]): Promise<number>` (the exit code). */
const VERBS: Record<string, string> = {
  lint: 'check the inventory and its network plan offline',
  diagram: 'print the network plan as a Mermaid flowchart',
  run: 'run any playbook against the inventory',
  up: 'build or converge the whole cluster (playbooks/up.yaml)',
  join: 'add one worker or control plane that is in the inventory',
  verify: 'check, from every node, what the cluster depends on',
  render: 'write every file and manifest up would apply, without connecting',
  facts: 'print the facts provision reads from hosts',
  lab: 'the dress-rehearsal lab: the inventory as real SSH hosts in network namespaces',
};

function usage(): string {
  const rows = Object.entries(VERBS).map(([v, d]) => `  ${v.padEnd(8)} ${d}`);
  return ['usage: provision <command> [options]', '', 'commands:', ...rows, '', "Run 'provision <command> --help' for a command's options."].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === 'help' || verb === '--help' || verb === '-h') {
    process.stdout.write(usage() + '\n');
    return verb ? 0 : 2;
  }
  if (verb === '--version') {
    process.stdout.write('provision 0.1.0\n');
    return 0;
  }
  if (!Object.hasOwn(VERBS, verb)) {
    process.stderr.write(`provision: unknown command '${verb}'\n\n${usage()}\n`);
    return 2;
  }
  const handler = (await import(`./${verb}.js`)) as { run(argv: string[]): Promise<number> };
  return handler.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`provision: ${err.message}\n${err.hint ? `  hint: ${err.hint}\n` : ''}`);
      process.exitCode = err.exitCode;
      return;
    }
    const e = err as Error;
    process.stderr.write(`provision: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.PROVISION_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    process.exitCode = 70;
  },
);
