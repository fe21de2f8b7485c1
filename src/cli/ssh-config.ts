// `provision ssh-config NAME -i INVENTORY [--ssh-config FILE] [--json]`: the SSH settings provision will use for one host.
import { loadInventoryOrThrow } from '../inventory/load.js';
import { findSshConfigPath } from '../transport/ssh-config.js';
import { formatSshOptions, type SshOptions } from '../transport/ssh-g.js';
import { SshResolver } from '../transport/ssh-resolver.js';
import { lookupOf, targetOf } from '../transport/ssh-target.js';
import { defineVerb, parseVerbArgs } from './args.js';
import { UsageError, UserError } from '../core/errors.js';
import { EXIT } from '../core/exit-codes.js';

export const spec = defineVerb({
  name: 'ssh-config',
  options: {
    inventory: { type: 'string', short: 'i' },
    'ssh-config': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: true,
  help: `usage: provision ssh-config NAME -i INVENTORY [--ssh-config FILE] [--json]

Prints the SSH settings provision will use for host NAME, in the format of 'ssh -G' (one
'keyword value' line each, lower-case keywords, repeated keywords on repeated lines), with
the paths provision expands itself (IdentityFile, IdentityAgent) expanded. Opens no connection.
They come from 'ssh -G NAME' with the inventory's ssh values as command-line options
(-l, -p, -o IdentityFile=, -o ProxyJump=, -o StrictHostKeyChecking=), and -F FILE when
--ssh-config or PROVISION_SSH_CONFIG is given; the built-in parser when no ssh is installed.
--json: one object keyed by keyword; a list where a keyword repeats.
  -i, --inventory FILE   the inventory
  --ssh-config FILE      read this OpenSSH config instead of ~/.ssh/config (also PROVISION_SSH_CONFIG)
  --json                 one object keyed by keyword
  -h, --help             this text
Exit status: 0 printed, 1 bad inventory or config, 64 usage error.`,
});

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, spec);
  const [name, ...extra] = positionals;
  if (!name) throw new UsageError('ssh-config needs a host: provision ssh-config NAME -i INVENTORY');
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (!values.inventory) throw new UsageError('ssh-config needs an inventory: provision ssh-config NAME -i INVENTORY');
  const inventory = await loadInventoryOrThrow(values.inventory);
  const host = inventory.hosts.find((h) => h.name === name);
  if (!host) throw new UserError(`${values.inventory}: no host named '${name}'`, EXIT.usage, `hosts: ${inventory.hosts.map((h) => h.name).join(', ')}`);
  const configFile = findSshConfigPath(values['ssh-config'] ? { flag: values['ssh-config'] } : {});
  let options: SshOptions;
  try {
    options = (await new SshResolver(configFile ? { configFile } : {}).resolve(lookupOf(targetOf(host, inventory)))).options;
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  process.stdout.write(values.json ? `${JSON.stringify(asJson(options), null, 2)}\n` : `${formatSshOptions(options)}\n`);
  return 0;
}

/** One value → a string; a keyword ssh -G repeats → the list. */
export function asJson(options: SshOptions): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}
