// The ssh_config fixtures (test/fixtures/ssh-config/*.conf) and what OpenSSH's own `ssh -G` makes of each.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/ssh-config');
/** The keywords the issue names: provision's answer must equal ssh -G's for each. */
export const KEYS = ['hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'identityagent', 'proxyjump', 'proxycommand', 'userknownhostsfile', 'hostkeyalias', 'stricthostkeychecking', 'connecttimeout'];
export const me = userInfo();

export interface Fixture {
  name: string;
  host: string;
  address: string;
  /** YAML flow map for the host's `ssh:` in the inventory. */
  inventory?: string;
  /** The same values as ssh(1) command-line options. */
  sshArgs: string[];
  env: Record<string, string>;
  /** The built-in parser is expected to agree too (`# builtin: no` says it does not cover this one). */
  builtin: boolean;
  text: string;
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.conf'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(FIXTURES, f), 'utf8');
      const header = (k: string) => new RegExp(`^# ${k}: (.*)$`, 'm').exec(text)?.[1];
      const [host, address] = header('host')!.split(' ') as [string, string];
      const inventory = header('inventory');
      return {
        name: f.replace(/\.conf$/, ''),
        host,
        address,
        ...(inventory ? { inventory } : {}),
        sshArgs: header('ssh')?.split(' ') ?? [],
        env: Object.fromEntries((header('env') ?? '').split(' ').filter(Boolean).map((kv) => kv.split('=') as [string, string])),
        builtin: header('builtin') !== 'no',
        text,
      };
    });
}

/** Relative Includes are read from ~/.ssh (the passwd home's, as ssh does): that fixture needs the folder to exist. */
export const dotSsh = join(me.homedir, '.ssh');
export const canRelative = existsSync(dotSsh);

/** Writes the fixture (placeholders filled), its include files and a one-host inventory into `dir`. */
export function materialise(fx: Fixture, dir: string): { conf: string; inventory: string } {
  mkdirSync(dir, { recursive: true });
  cpSync(join(FIXTURES, 'inc'), join(dir, 'inc'), { recursive: true });
  const conf = join(dir, `${fx.name}.conf`);
  writeFileSync(conf, fx.text.replaceAll('@DIR@', dir).replaceAll('@REL@', relative(dotSsh, dir)).replaceAll('@LOCALUSER@', me.username));
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    [
      'cluster: { name: t, kubernetes: "1.32" }',
      'network: { nodes: 10.4.0.0/24, gateway: 10.4.0.1, pods: 10.244.0.0/16, services: 10.96.0.0/12, api: { mode: kube-vip, address: 10.4.0.5 }, cni: flannel }',
      'hosts:',
      `  ${fx.host}: { address: ${fx.address}, role: control-plane${fx.inventory ? `, ssh: ${fx.inventory}` : ''} }`,
      '',
    ].join('\n'),
  );
  return { conf, inventory };
}

async function sshG(args: string[], env: Record<string, string>): Promise<Record<string, string[]>> {
  const r = await execa('ssh', ['-G', ...args], { env, extendEnv: false, stdin: 'ignore', reject: false });
  if (r.exitCode !== 0) throw new Error(`ssh -G ${args.join(' ')}: ${r.stderr}`);
  const out: Record<string, string[]> = {};
  for (const line of String(r.stdout).split('\n')) {
    const m = /^(\S+) ?(.*)$/.exec(line);
    if (m) (out[m[1]!.toLowerCase()] ??= []).push(m[2]!);
  }
  return out;
}

/**
 * What `ssh NAME` would use, as the docs promise: `ssh -G NAME` with the inventory's values on the command line; when
 * the config names no HostName (ssh would dial NAME itself), the inventory address as `-o HostName=`. IdentityFile and
 * IdentityAgent are printed raw by ssh -G and expanded by ssh when it connects: expanded here the way ssh_config(5) says.
 */
export async function openSshSays(fx: Fixture, conf: string, env: Record<string, string>): Promise<Record<string, string[]>> {
  const base = ['-F', conf, ...fx.sshArgs];
  let out = await sshG([...base, fx.host], env);
  if (out.hostname?.[0] === fx.host) out = await sshG([...base, '-o', `HostName=${fx.address}`, fx.host], env);
  const tokens: Record<string, string> = { '%': '%', d: me.homedir, u: me.username, h: out.hostname![0]!, r: out.user![0]!, p: out.port![0]!, n: fx.host };
  const expand = (s: string) =>
    s
      .replace(/^~\//, `${me.homedir}/`)
      .replace(/%(.)/g, (_, c: string) => tokens[c] ?? `%${c}`)
      .replace(/\$\{(\w+)\}/g, (_, v: string) => env[v] ?? '');
  if (out.identityfile) out.identityfile = [...new Set(out.identityfile.map(expand))];
  const agent = out.identityagent?.[0];
  if (agent !== undefined && agent.toLowerCase() !== 'none') {
    const v = agent === 'SSH_AUTH_SOCK' ? env.SSH_AUTH_SOCK : agent.startsWith('$') ? env[agent.slice(1)] : expand(agent);
    if (v) out.identityagent = [v];
  }
  return out;
}

/** The compared keywords of an ssh -G style object, lists everywhere. */
export function pick(o: Record<string, string | string[]>): Record<string, string[]> {
  return Object.fromEntries(KEYS.filter((k) => o[k] !== undefined).map((k) => [k, ([] as string[]).concat(o[k]!)]));
}
