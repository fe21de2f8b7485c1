// The `firewall` module: the role's ports + SSH in nftables table inet provision (or ufw when active), applied safely.
import { z } from 'zod';
import type { Change, Module, PlanContext, Step } from '../../core/types.js';
import { change, combineChanges, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { managedBlock } from '../support/managed-block.js';
import { planFile } from '../support/plan-file.js';
import { describeRules, firewallRules, type PortRule } from '../../cluster/firewall-rules.js';
import { armCommand, applyCommand, disarmCommand } from './host-setup/firewall-guard.js';
import {
  NFT_CANDIDATE, NFT_FILE, NFT_TABLE, NFTABLES_CONF, includeBlock, liveFingerprint, liveRulesIntact, renderNftRuleset, rulesFingerprint,
} from '../../cluster/nft-ruleset.js';
import { missingUfwCommands } from './host-setup/ufw-rules.js';
import { declareFact } from '../../facts/declare.js';
import { nftTable } from '../../facts/kinds/nft-table.js';
import { ufwStatus } from '../../facts/kinds/ufw-status.js';

const port = z.union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'must be a port or a range like 8000-8100')]);

const schema = z.strictObject({
  /** auto: ufw when ufw is active, else nftables. */
  backend: z.enum(['auto', 'nftables', 'ufw']).default('auto'),
  sshPort: z.number().int().min(1).max(65535).optional(),
  /** More tcp ports to accept on the hosts this task runs on. */
  extraTcp: z.array(port).optional(),
  /** The host restores its previous firewall this long after arming unless the run confirmed SSH still works. */
  rollbackAfterSeconds: z.number().int().min(5).max(3600).default(60),
  /** How long the run waits for a NEW SSH connection after applying (must be well below rollbackAfterSeconds). */
  confirmTimeoutSeconds: z.number().int().min(1).max(600).default(20),
}).refine((p) => p.confirmTimeoutSeconds < p.rollbackAfterSeconds, { message: 'confirmTimeoutSeconds must be shorter than rollbackAfterSeconds', path: ['confirmTimeoutSeconds'] });

export type FirewallParams = z.output<typeof schema>;

const [NFT_FAMILY, NFT_NAME] = NFT_TABLE.split(' ') as [string, string];
const OUR_TABLE = { family: NFT_FAMILY, table: NFT_NAME };
/** Our table as the kernel lists it now ('' when it is absent). */
const liveListing = (ctx: PlanContext) => ctx.facts.fact(nftTable, OUR_TABLE).ruleset ?? '';
/** The fingerprint of our table as the kernel has it now; undefined when it is absent. */
const liveTable = (ctx: PlanContext) => liveFingerprint(liveListing(ctx));
const INCLUDE_MARKER = 'provision firewall';

function rulesOf(p: FirewallParams, ctx: PlanContext): PortRule[] {
  return firewallRules({
    inventory: ctx.inventory,
    host: ctx.host,
    ...(p.sshPort !== undefined ? { sshPort: p.sshPort } : {}),
    ...(p.extraTcp ? { extraTcp: p.extraTcp.map(String) } : {}),
  });
}

function installNftables(ctx: PlanContext): Step[] {
  if (ctx.facts.package('nftables').installed) return [];
  return [execStep(['apt-get', 'install', '-y', '--no-install-recommends', 'nftables'], { env: { DEBIAN_FRONTEND: 'noninteractive' } })];
}

/** The ruleset live in the kernel, behind the dead man's switch; persisted to NFT_FILE only once confirmed. */
function planTable(p: FirewallParams, ctx: PlanContext, rules: PortRule[]): Change {
  const want = renderNftRuleset(rules);
  const live = liveTable(ctx);
  const file = ctx.facts.file(NFT_FILE);
  const what = `nftables ${NFT_TABLE}: policy drop, accept ${describeRules(rules)}`;
  // The fingerprint says what was loaded; the rules themselves say what is still there (a rule deleted by hand
  // leaves the fingerprint in place).
  if (live !== rulesFingerprint(rules) || !liveRulesIntact(liveListing(ctx), rules)) {
    const steps: Step[] = [
      ...installNftables(ctx),
      { kind: 'write', path: NFT_CANDIDATE, content: want, mode: 0o600, validate: ['nft', '-c', '-f', '%s'] },
      {
        kind: 'guarded',
        arm: armCommand({ rollbackAfterSeconds: p.rollbackAfterSeconds }),
        apply: applyCommand(),
        disarm: disarmCommand({ persist: ctx.facts.base.initSystem === 'systemd' }),
        confirmTimeoutMs: p.confirmTimeoutSeconds * 1000,
      },
    ];
    const action = live === undefined ? 'create' : 'update';
    const out = change(ctx, { action, summary: `${what} (guarded: the host rolls back after ${p.rollbackAfterSeconds}s unless a new SSH connection works)`, steps });
    out.diff = { path: NFT_FILE, before: file.content ?? '', after: want };
    return out;
  }
  // Live rules are right; the file the boot loads may still be stale (edited, or an interrupted run).
  const persisted = planFile({ ctx, path: NFT_FILE, want, fact: file, mode: 0o600, validate: ['nft', '-c', '-f', '%s'], label: NFT_FILE });
  if (persisted.action !== 'noop') return persisted;
  return noop(ctx, what);
}

/** /etc/nftables.conf loads our file at boot: a managed include block after the user's own rules. */
function planInclude(ctx: PlanContext, present: boolean): Change {
  const fact = ctx.facts.file(NFTABLES_CONF);
  const current = fact.content ?? '';
  const block = present ? includeBlock() : null;
  const base = current === '' && present ? '#!/usr/sbin/nft -f\n' : current;
  const want = managedBlock({ current: base, block, marker: INCLUDE_MARKER });
  if (!fact.exists && !present) return noop(ctx, `${NFTABLES_CONF} absent: nothing to include`);
  return planFile({ ctx, path: NFTABLES_CONF, want, fact, label: `${NFTABLES_CONF} ${present ? 'includes' : 'without'} ${NFT_FILE}` });
}

function planBootService(ctx: PlanContext): Change {
  if (ctx.facts.base.initSystem !== 'systemd') return noop(ctx, 'no systemd: nftables.conf is loaded by the init scripts');
  const svc = ctx.facts.service('nftables');
  if (svc.enabled) return noop(ctx, 'nftables.service enabled (loads the ruleset at boot)');
  // enable only: starting or restarting it would run the user's `flush ruleset` and drop kube-proxy's tables.
  return change(ctx, { action: 'update', summary: 'enable nftables.service (loads the ruleset at boot)', steps: [execStep(['systemctl', 'enable', 'nftables'])] });
}

function planNftables(p: FirewallParams, ctx: PlanContext, rules: PortRule[]): Change[] {
  const table = planTable(p, ctx, rules);
  // The include comes after the guarded apply: it must never point at a file the boot cannot load.
  const parts = [table, planInclude(ctx, true)];
  if (table.action === 'noop') parts.push(planBootService(ctx));
  return combineChanges(ctx, parts);
}

/** ufw is active: add what is missing through ufw (SSH first); our nft table must not filter twice. */
function planUfw(ctx: PlanContext, rules: PortRule[]): Change[] {
  const status = ctx.facts.fact(ufwStatus, undefined);
  const missing = missingUfwCommands(rules, status);
  const ipip = rules.some((r) => r.proto === 'ipip') ? ' (warning: ufw cannot express IP-in-IP; allow protocol 4 in /etc/ufw/before.rules for Calico IPIP)' : '';
  const allow = missing.length === 0
    ? noop(ctx, `ufw allows ${describeRules(rules)}${ipip}`)
    : change(ctx, { action: 'update', summary: `ufw: allow ${missing.map((a) => a.slice(2).join(' ')).join('; ')}${ipip}`, steps: missing.map((a) => execStep(a)) });
  const parts = [allow];
  if (liveTable(ctx) !== undefined) {
    parts.push(change(ctx, { action: 'delete', summary: `delete nftables ${NFT_TABLE} (ufw is active and filters instead)`, steps: [execStep(['nft', 'delete', 'table', 'inet', 'provision'])] }));
  }
  parts.push(planInclude(ctx, false));
  return combineChanges(ctx, parts);
}

const firewall: Module<FirewallParams> = {
  name: 'firewall',
  schema,
  probe: () => [
    declareFact(nftTable, OUR_TABLE),
    declareFact(ufwStatus),
    { kind: 'file', path: NFT_FILE },
    { kind: 'file', path: NFTABLES_CONF },
    { kind: 'package', name: 'nftables' },
    { kind: 'service', name: 'nftables' },
  ],
  plan: (p, ctx) => {
    const rules = rulesOf(p, ctx);
    const ufw = ctx.facts.fact(ufwStatus, undefined);
    if (p.backend === 'ufw' && !ufw.active) throw new Error('backend ufw was asked for but ufw is not active on this host (ufw enable, or use backend nftables)');
    if (p.backend === 'ufw' || (p.backend === 'auto' && ufw.active)) return planUfw(ctx, rules);
    return planNftables(p, ctx, rules);
  },
};

export default firewall;
