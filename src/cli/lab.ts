// `provision lab VERB`: the dress-rehearsal lab (up, base, down, status, exec, ssh, reboot, run); the work lives in src/lab/.
import { spawn } from 'node:child_process';
import { parseVerbArgs } from './args.js';
import { UsageError, UserError } from './errors.js';
import { Secret } from '../transport/command.js';
import { promptSecret } from '../transport/prompt-secret.js';

const USAGE = `usage: provision lab <verb> [options]

  up -i INVENTORY [--name N] [--sudo-password] [--ssh-down SECONDS] [--containerd VERSION] [--install-deps]
     [--sshd-option 'Keyword value']... [--runtime chroot|nspawn] [--stack STACK | --stack HOST=STACK]...
                         build every host of the inventory as a real SSH host in network namespaces
  base [--install-deps]  build (or reuse) the cached Debian root that nspawn hosts boot; prints its path
  down [--name N]        remove the lab: namespaces, processes, mounts, files (idempotent)
  status [--name N]      one line per host: address, state, sshd, boot id
  exec HOST -- CMD...    run CMD inside HOST as root
  ssh HOST [-- ARGS...]  OpenSSH from the lab's laptop namespace, with the lab's key and known_hosts
  reboot HOST [--no-wait]
                         reboot HOST: runtime state goes, what it persisted comes back
  run -- ARGS...         run 'provision ARGS' from the laptop namespace (lab ssh_config, key, apt mirror)

--sudo-password: the login user needs a sudo password, read from PROVISION_BECOME_PASSWORD or asked for.
--sshd-option: an extra line for every host's sshd_config, e.g. 'MaxSessions 1' or 'MaxStartups 2:100:2' (repeatable).
--runtime nspawn: every host boots a Debian root with real systemd (systemd-nspawn); chroot (the default for now)
  runs the machine's root with stand-ins for systemd.
--stack: the network stack that configures a host's address at boot (nspawn): ifupdown (default), networkmanager,
  netplan or systemd-networkd; --stack HOST=STACK for one host (repeatable).`;

/** Splits argv at the first `--`. */
function splitDashes(argv: string[]): [string[], string[]] {
  const i = argv.indexOf('--');
  return i < 0 ? [argv, []] : [argv.slice(0, i), argv.slice(i + 1)];
}

function passthrough(argv: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: env ?? process.env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
}

async function prelude(install = false) {
  const { assertPlatform, assertDependencies } = await import('../lab/preflight.js');
  assertPlatform();
  await assertDependencies(install);
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function up(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, {
    inventory: { type: 'string', short: 'i' },
    name: { type: 'string' },
    'sudo-password': { type: 'boolean' },
    'ssh-down': { type: 'string' },
    containerd: { type: 'string' },
    'install-deps': { type: 'boolean' },
    parallel: { type: 'string' },
    'sshd-option': { type: 'string', multiple: true },
    runtime: { type: 'string' },
    stack: { type: 'string', multiple: true },
  }, false);
  if (!values.inventory) throw new UsageError('lab up needs -i INVENTORY');
  await prelude(values['install-deps']);
  const { loadInventoryOrThrow } = await import('../inventory/load.js');
  const inventory = await loadInventoryOrThrow(values.inventory);
  let sudoPassword: Secret | undefined;
  if (values['sudo-password']) {
    const env = process.env.PROVISION_BECOME_PASSWORD;
    sudoPassword = env ? new Secret(env) : await promptSecret('sudo password for the lab hosts: ');
    if (!sudoPassword || sudoPassword.reveal() === '') throw new UserError('--sudo-password: no password given', 2, 'set PROVISION_BECOME_PASSWORD or type it when asked');
  }
  const sshDown = values['ssh-down'] === undefined ? undefined : Number(values['ssh-down']);
  if (sshDown !== undefined && !(sshDown >= 0 && sshDown <= 60)) throw new UsageError('--ssh-down must be 0-60 seconds');
  const { parseSshdOption } = await import('../lab/host-root.js');
  let sshdOptions: string[];
  try {
    sshdOptions = (values['sshd-option'] ?? []).map(parseSshdOption);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const runtime = values.runtime ?? (values.stack?.length ? 'nspawn' : 'chroot');
  if (runtime !== 'chroot' && runtime !== 'nspawn') throw new UsageError(`--runtime ${runtime}: expected chroot or nspawn`);
  if (runtime === 'chroot' && values.stack?.length) throw new UsageError('--stack needs --runtime nspawn (the chroot runtime has no real network stack)');
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
      sshDownSeconds: sshDown,
      containerdVersion: values.containerd,
      parallel: values.parallel ? Number(values.parallel) : undefined,
      sshdOptions,
      runtime,
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

async function nameOnly(argv: string[], extra: Record<string, { type: 'boolean' | 'string' }> = {}) {
  return parseVerbArgs(argv, { name: { type: 'string' }, ...extra });
}

async function down(argv: string[]): Promise<number> {
  const { values } = await nameOnly(argv);
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
  const { values } = await nameOnly(argv);
  await prelude();
  const { resolveLab } = await import('../lab/state.js');
  const { hostStatuses, formatStatus } = await import('../lab/lab-status.js');
  const state = resolveLab(values.name as string | undefined);
  const rows = hostStatuses(state);
  say(formatStatus(state, rows));
  return rows.every((r) => r.up && r.sshd) ? 0 : 1;
}

async function hostArg(argv: string[]) {
  const [head, tail] = splitDashes(argv);
  const { values, positionals } = parseVerbArgs(head, { name: { type: 'string' }, 'no-wait': { type: 'boolean' } });
  const host = positionals[0];
  if (!host) throw new UsageError('name the lab host');
  await prelude();
  const { resolveLab } = await import('../lab/state.js');
  const state = resolveLab(values.name);
  if (!state.plan.hosts.some((h) => h.name === host)) throw new UserError(`no host '${host}' in lab '${state.plan.name}' (hosts: ${state.plan.hosts.map((h) => h.name).join(', ')})`);
  return { state, host, rest: [...positionals.slice(1), ...tail], noWait: Boolean(values['no-wait']) };
}

async function exec(argv: string[]): Promise<number> {
  const { state, host, rest } = await hostArg(argv);
  if (rest.length === 0) throw new UsageError('lab exec HOST -- CMD...');
  const { initPid, hostExecArgv } = await import('../lab/host-runtime.js');
  const pid = initPid(state.plan, host);
  if (!pid) throw new UserError(`host ${host} is not running`, 1, 'provision lab status');
  return passthrough(hostExecArgv(state.plan, host, pid, rest));
}

async function ssh(argv: string[]): Promise<number> {
  const { state, host, rest } = await hostArg(argv);
  return passthrough(['ip', 'netns', 'exec', state.plan.controllerNs, 'ssh', '-F', `${state.plan.dir}/ssh/ssh_config`, host, ...rest]);
}

async function reboot(argv: string[]): Promise<number> {
  const { state, host, noWait } = await hostArg(argv);
  const { rebootHost, bootId } = await import('../lab/host-runtime.js');
  const before = bootId(state.plan, host);
  await rebootHost(state.plan, host, !noWait);
  say(noWait ? `${host}: reboot requested` : `${host}: rebooted (boot id ${before} -> ${bootId(state.plan, host)})`);
  return 0;
}

async function runProvision(argv: string[]): Promise<number> {
  const [head, tail] = splitDashes(argv);
  const { values } = parseVerbArgs(head, { name: { type: 'string' } }, false);
  if (tail.length === 0) throw new UsageError('lab run -- <provision args>');
  await prelude();
  const { resolveLab } = await import('../lab/state.js');
  const { labRunEnv, labRunArgv } = await import('../lab/lab-run.js');
  const state = resolveLab(values.name);
  return passthrough(labRunArgv(state, tail), labRunEnv(state, process.env));
}

async function base(argv: string[]): Promise<number> {
  const { values } = parseVerbArgs(argv, { 'install-deps': { type: 'boolean' } }, false);
  await prelude(values['install-deps']);
  const { ensureBaseRoot } = await import('../lab/base-root.js');
  const b = await ensureBaseRoot();
  say(b.root);
  return 0;
}

const VERBS: Record<string, (argv: string[]) => Promise<number>> = { up, base, down, status, exec, ssh, reboot, run: runProvision };

export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return verb ? 0 : 2;
  }
  const handler = VERBS[verb];
  if (!handler) throw new UsageError(`unknown lab verb '${verb}' (up, base, down, status, exec, ssh, reboot, run)`);
  return handler(rest);
}
