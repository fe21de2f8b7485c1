// The `package` module (apt): packages installed, absent, or installed and held, optionally at a version.
import { z } from 'zod';
import type { Change, Module, PackageFact, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { nameList } from '../support/schema.js';

/** `name` or `name=version`; a version ending in '*' matches by prefix (apt accepts the same glob). */
const spec = z.string().regex(/^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+\*?)?$/, "must be a Debian package name, optionally '=VERSION' (e.g. kubelet=1.32.*)");

const schema = z
  .strictObject({
    names: nameList(spec),
    state: z.enum(['present', 'absent', 'held']).default('present'),
    /** Run `apt-get update` first, only when something must be installed. */
    update_cache: z.boolean().default(false),
  })
  .refine((p) => p.state !== 'absent' || p.names.every((n) => !n.includes('=')), { message: 'versions make no sense with state: absent', path: ['names'] });

export type PackageParams = z.output<typeof schema>;

interface Wanted {
  name: string;
  version?: string;
  fact: PackageFact;
}

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };
const split = (s: string) => {
  const i = s.indexOf('=');
  return i < 0 ? { name: s } : { name: s.slice(0, i), version: s.slice(i + 1) };
};
const versionOk = (have: string | undefined, want: string | undefined) =>
  want === undefined || (have !== undefined && (want.endsWith('*') ? have.startsWith(want.slice(0, -1)) : have === want));
const spell = (w: Wanted) => (w.version ? `${w.name}=${w.version}` : w.name);
const list = (ws: Wanted[]) => ws.map(spell).join(', ');

function planPresent(p: PackageParams, wanted: Wanted[], ctx: Parameters<Module['plan']>[1]): Change {
  const missing = wanted.filter((w) => !w.fact.installed);
  const wrongVersion = wanted.filter((w) => w.fact.installed && !versionOk(w.fact.version, w.version));
  const install = [...missing, ...wrongVersion];
  const toHold = p.state === 'held' ? wanted.filter((w) => !w.fact.held) : [];
  const steps: Step[] = [];
  const what: string[] = [];
  if (install.length > 0) {
    if (p.update_cache) steps.push(execStep(['apt-get', 'update', '-q'], { env: APT_ENV }));
    const flags = ['-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];
    if (wrongVersion.length > 0) flags.push('--allow-downgrades');
    if (install.some((w) => w.fact.held)) flags.push('--allow-change-held-packages');
    steps.push(execStep(['apt-get', 'install', ...flags, ...install.map(spell)], { env: APT_ENV }));
    if (missing.length) what.push(`install ${list(missing)}`);
    if (wrongVersion.length) what.push(`change ${wrongVersion.map((w) => `${w.name} ${w.fact.version} → ${w.version}`).join(', ')}`);
  }
  if (toHold.length > 0) {
    steps.push(execStep(['apt-mark', 'hold', ...toHold.map((w) => w.name)]));
    what.push(`hold ${toHold.map((w) => w.name).join(', ')}`);
  }
  if (steps.length === 0) {
    const versions = wanted.map((w) => `${w.name} ${w.fact.version ?? ''}`.trim()).join(', ');
    return noop(ctx, `installed${p.state === 'held' ? ' and held' : ''}: ${versions}`);
  }
  return change(ctx, { action: missing.length > 0 ? 'create' : 'update', summary: what.join('; '), steps });
}

function planAbsent(wanted: Wanted[], ctx: Parameters<Module['plan']>[1]): Change {
  const installed = wanted.filter((w) => w.fact.installed);
  if (installed.length === 0) return noop(ctx, `not installed: ${list(wanted)}`);
  const held = installed.filter((w) => w.fact.held);
  const steps: Step[] = [];
  // apt-get refuses to remove held packages with -y; release the hold first.
  if (held.length > 0) steps.push(execStep(['apt-mark', 'unhold', ...held.map((w) => w.name)]));
  steps.push(execStep(['apt-get', 'remove', '-y', '-q', ...installed.map((w) => w.name)], { env: APT_ENV }));
  return change(ctx, { action: 'delete', summary: `remove ${list(installed)}`, steps });
}

const pkg: Module<PackageParams> = {
  name: 'package',
  schema,
  probe: (p) => p.names.map((n) => ({ kind: 'package', name: split(n).name })),
  plan: (p, ctx) => {
    const wanted: Wanted[] = p.names.map((n) => ({ ...split(n), fact: ctx.facts.package(split(n).name) }));
    return p.state === 'absent' ? planAbsent(wanted, ctx) : planPresent(p, wanted, ctx);
  },
};

export default pkg;
