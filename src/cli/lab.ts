// `provision lab VERB`: the dress-rehearsal lab (up, base, down, status, exec, ssh, reboot, run); the work lives in src/lab/.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { parseVerbArgs } from './args.js';
import { didYouMean } from '../yaml/did-you-mean.js';
import { EXIT } from '../core/exit-codes.js';
import { HelpRequest, UsageError, UserError } from '../core/errors.js';
import { positiveInt } from './numeric-flags.js';
import { Secret } from '../core/secret.js';
import { promptSecret } from '../transport/prompt-secret.js';

import { spec, specs } from './lab-specs.js';

export { spec, specs };

/** Splits argv at the first `--`. */
function splitDashes(argv: string[]): [string[], string[]] {
  const i = argv.indexOf('--');
  return i < 0 ? [argv, []] : [argv.slice(0, i), argv.slice(i + 1)];
}

/** Whether this process's group is its terminal's foreground group (/proc/self/stat: pgrp is field 5, tpgid field 8). */
function inTerminalForeground(): boolean {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return fields[2] === fields[5] && fields[5] !== '-1';
  } catch {
    return false;
  }
}

/**
 * Runs argv on this terminal; a signal that would end this CLI goes to it instead, and the exit code is its own. On a
 * terminal, Ctrl-C and a hangup already reach it (the terminal signals the whole foreground group): passing them on too
 * would make one Ctrl-C two, and a second Ctrl-C makes `provision up` quit at once instead of finishing its steps.
 */
function passthrough(argv: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: env ?? process.env });
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const forward = (sig: NodeJS.Signals) => {
      if (sig !== 'SIGTERM' && inTerminalForeground()) return;
      child.kill(sig);
    };
    for (const s of signals) process.on(s, forward);
    const done = () => {
      for (const s of signals) process.off(s, forward);
    };
    child.on('error', (e) => (done(), reject(e)));
    child.on('exit', (code, signal) => (done(), resolve(code ?? (signal ? 128 + osConstants.signals[signal] : 1))));
  });
}

async function prelude(install = false) {
  const { assertPlatform, assertDependencies } = await import('../lab/preflight.js');
  assertPlatform();
  await assertDependencies(install);
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function up(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, specs.up);
  if (!values.inventory) throw new UsageError('lab up needs -i INVENTORY');
  await prelude(values['install-deps']);
  const { loadInventoryOrThrow } = await import('../inventory/load.js');
  const inventory = await loadInventoryOrThrow(values.inventory);
  let sudoPassword: Secret | undefined;
  if (values['sudo-password']) {
    const env = process.env.PROVISION_BECOME_PASSWORD;
    sudoPassword = env ? new Secret(env) : await promptSecret('sudo password for the lab hosts: ');
    if (!sudoPassword || sudoPassword.reveal() === '') throw new UsageError('--sudo-password: no password given', 'set PROVISION_BECOME_PASSWORD or type it when asked');
  }
  const parallel = positiveInt('--parallel', values.parallel);
  const { parseSshdOption } = await import('../lab/host-root.js');
  let sshdOptions: string[];
  try {
    sshdOptions = (values['sshd-option'] ?? []).map(parseSshdOption);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { parseStackArgs } = await import('../lab/stacks.js');
  let stacks;
  try {
    stacks = parseStackArgs(values.stack ?? [], inventory.hosts.map((h) => h.name));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { labUp } = await import('../lab/lab-up.js');
  try {
    const state = await labUp({
      inventory,
      name: values.name,
      sudoPassword,
      containerdVersion: values.containerd,
      parallel,
      sshdOptions,
      stacks,
      log: say,
    });
    say(`ssh config: ${state.plan.dir}/ssh/ssh_config   try: provision lab ssh ${state.plan.hosts[0]?.name ?? 'HOST'}`);
    return 0;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`lab up failed: ${(err as Error).message}`);
  }
}

async function down(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, specs.down);
  await prelude();
  const { listLabs } = await import('../lab/state.js');
  const { labDown } = await import('../lab/lab-down.js');
  const names = values.name ? [values.name as string] : listLabs();
  if (names.length === 0) {
    say('no lab is up');
    return 0;
  }
  if (!values.name && names.length > 1) throw new UserError(`several labs are up (${names.join(', ')}): pick one with --name`);
  for (const name of names) await labDown({ name, log: say });
  return 0;
}

async function status(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, specs.status);
  await prelude();
  const { resolveLab } = await import('../lab/state.js');
  const { hostStatuses, formatStatus } = await import('../lab/lab-status.js');
  const state = resolveLab(values.name as string | undefined);
  const rows = hostStatuses(state);
  say(formatStatus(state, rows));
  return rows.every((r) => r.up && r.sshd) ? 0 : 1;
}

async function hostArg(argv: string[], spec: typeof specs.exec | typeof specs.reboot) {
  const [head, tail] = splitDashes(argv);
  const { values, positionals } = parseVerbArgs(head, spec);
  const host = positionals[0];
  if (!host) throw new UsageError('name the lab host');
  await prelude();
  const { resolveLab } = await import('../lab/state.js');
  const state = resolveLab(values.name);
  if (!state.plan.hosts.some((h) => h.name === host)) throw new UserError(`no host '${host}' in lab '${state.plan.name}' (hosts: ${state.plan.hosts.map((h) => h.name).join(', ')})`);
  return { state, host, rest: [...positionals.slice(1), ...tail], noWait: 'no-wait' in values && Boolean(values['no-wait']) };
}

async function exec(argv: string[]): Promise<number> {
  const { state, host, rest } = await hostArg(argv, specs.exec);
  if (rest.length === 0) throw new UsageError('lab exec HOST -- CMD...');
  const { leaderPid, nspawnExecArgv } = await import('../lab/nspawn-runtime.js');
  const pid = leaderPid(state.plan, host);
  if (!pid) throw new UserError(`host ${host} is not running`, 1, 'provision lab status');
  return passthrough(nspawnExecArgv(pid, rest));
}

async function ssh(argv: string[]): Promise<number> {
  const { state, host, rest } = await hostArg(argv, specs.ssh);
  return passthrough(['ip', 'netns', 'exec', state.plan.controllerNs, 'ssh', '-F', `${state.plan.dir}/ssh/ssh_config`, host, ...rest]);
}

async function reboot(argv: string[]): Promise<number> {
  const { state, host, noWait } = await hostArg(argv, specs.reboot);
  const { rebootNspawnHost, nspawnBootId } = await import('../lab/nspawn-runtime.js');
  const before = nspawnBootId(state.plan, host);
  await rebootNspawnHost(state.plan, host, !noWait);
  say(noWait ? `${host}: reboot requested` : `${host}: rebooted (boot id ${before} -> ${nspawnBootId(state.plan, host)})`);
  return 0;
}

async function runProvision(argv: string[]): Promise<number> {
  const [head, tail] = splitDashes(argv);
  const { values } = parseVerbArgs(head, specs.run);
  if (tail.length === 0) throw new UsageError('lab run -- <provision args>');
  await prelude();
  const { resolveLab } = await import('../lab/state.js');
  const { labRunEnv, labRunArgv } = await import('../lab/lab-run.js');
  const state = resolveLab(values.name);
  return passthrough(labRunArgv(state, tail), labRunEnv(state, process.env));
}

async function base(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, specs.base);
  await prelude(values['install-deps']);
  const { ensureBaseRoot } = await import('../lab/base-root.js');
  const b = await ensureBaseRoot();
  say(b.root);
  return 0;
}

const VERBS: Record<string, (argv: string[]) => Promise<number>> = { up, base, down, status, exec, ssh, reboot, run: runProvision };

export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    process.stderr.write(`${spec.help}\n`);
    return EXIT.usage;
  }
  if (verb === '--help' || verb === '-h') throw new HelpRequest(spec.help);
  // `provision lab help [VERB]` is `provision lab VERB --help`.
  if (verb === 'help') return rest[0] === undefined ? run(['--help']) : run([rest[0], '--help']);
  const handler = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  if (!handler) {
    const guess = didYouMean(verb, Object.keys(VERBS));
    throw new UsageError(`unknown lab verb '${verb}' (${Object.keys(VERBS).join(', ')})`, guess ? `did you mean 'lab ${guess}'?` : "run 'provision help lab' for usage");
  }
  return handler(rest);
}
