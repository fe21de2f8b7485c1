// `provision lab up`: builds the whole lab (fabric, apt mirror, hosts in parallel) and records it in state.json.
import { existsSync, mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { UserError } from '../core/errors.js';
import type { Inventory } from '../inventory/types.js';
import { buildRepo } from './apt-repo.js';
import { createFabric, createHostLink } from './network.js';
import { planLab, type LabPlan } from './plan.js';
import { ASSETS, HOST_PATH, hostDirs } from './host-paths.js';
import { labAddonsDir, writeStandinAddons } from './standin-addons/write.js';
import { createClientKey, sshPaths, writeSshFiles } from './ssh-material.js';
import { inNetns, mapLimit, run } from './sh.js';
import { readState, writeState, type LabState } from './state.js';
import { labDown } from './lab-down.js';
import type { Secret } from '../core/secret.js';
import { ensureBaseRoot } from './base-root.js';
import { prepareNspawnRoot } from './nspawn-root.js';
import { startNspawnHost } from './nspawn-runtime.js';
import type { Stack } from './stacks.js';

export interface LabUpOptions {
  inventory: Inventory;
  name?: string;
  sudoPassword?: Secret;
  containerdVersion?: string;
  parallel?: number;
  /** Extra sshd_config lines for every host (checked by parseSshdOption). */
  sshdOptions?: string[];
  /** The network stack of every host, and of single hosts (--stack). */
  stacks?: { all: Stack; byHost: Record<string, Stack> };
  log?: (line: string) => void;
}

async function cryptPassword(pw: Secret): Promise<string> {
  const r = await run(['openssl', 'passwd', '-6', '-stdin'], { input: `${pw.reveal()}\n` });
  return r.stdout.trim();
}

function startRepoServer(plan: LabPlan): number {
  const out = openSync(`${plan.dir}/repo-server.log`, 'a');
  const child = spawn('ip', inNetns(plan.routerNs, [process.execPath, `${ASSETS}/serve-repo.mjs`, `${plan.dir}/repo`, plan.gateway, '80']).slice(1), {
    detached: true,
    stdio: ['ignore', out, out],
    env: { PATH: HOST_PATH },
  });
  child.unref();
  closeSync(out);
  return child.pid!;
}

async function waitForRepo(plan: LabPlan): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await run(inNetns(plan.controllerNs, ['curl', '-sf', '-o', '/dev/null', `http://${plan.gateway}/kubernetes/InRelease`]), { nothrow: true });
    if (r.code === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`the lab's apt mirror did not start (see ${plan.dir}/repo-server.log)`);
}

export async function labUp(opts: LabUpOptions): Promise<LabState> {
  const log = opts.log ?? (() => {});
  const plan = planLab(opts.inventory, { name: opts.name });
  const existing = readState(plan.dir);
  if (existing) {
    throw new UserError(`lab '${plan.name}' is already up (${existing.plan.hosts.length} hosts, since ${existing.createdAt})`, 1, `provision lab down --name ${plan.name} first, or use it: provision lab status`);
  }
  if (existsSync(plan.dir)) {
    log(`removing a half-built lab '${plan.name}'`);
    await labDown({ name: plan.name, quiet: true });
  }
  const started = Date.now();
  mkdirSync(plan.dir, { recursive: true, mode: 0o700 });
  writeStandinAddons(labAddonsDir(plan.dir));
  try {
    // Built once per recipe and cached on the machine (minutes the first time), before anything of the lab exists.
    const base = await ensureBaseRoot({ log });
    await createFabric(plan);
    const paths = sshPaths(plan);
    const [clientPub, repo, sudoHash] = await Promise.all([
      createClientKey(paths),
      buildRepo({ dir: `${plan.dir}/repo`, versions: { kubernetes: opts.inventory.cluster.kubernetes, containerd: opts.containerdVersion ?? '1.7.24' }, nsWrap: (argv) => inNetns(plan.routerNs, argv), realDebs: base.debs }),
      opts.sudoPassword ? cryptPassword(opts.sudoPassword) : Promise.resolve(undefined),
    ]);
    const aptBaseUrl = `http://${plan.gateway}`;
    const repoPid = startRepoServer(plan);
    log(`fabric, keys and apt mirror ready (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    const hostKeys = new Map<string, string>();
    const boots: Promise<void>[] = [];
    await mapLimit(plan.hosts, opts.parallel ?? 4, async (host) => {
      const d = hostDirs(plan, host.name);
      mkdirSync(d.upper, { recursive: true });
      await createHostLink(plan, host);
      const common = { plan, host, upper: d.upper, clientPublicKey: clientPub, sudoHash, aptKeyring: repo.keyring, aptBaseUrl, sshdOptions: opts.sshdOptions };
      const stack = opts.stacks?.byHost[host.name] ?? opts.stacks?.all ?? 'ifupdown';
      await prepareNspawnRoot({ ...common, base: base.root, stack });
      hostKeys.set(host.name, readFileSync(`${d.upper}/etc/ssh/ssh_host_ed25519_key.pub`, 'utf8'));
      // Boots overlap: the next host is prepared while this one's systemd comes up (waited for below).
      const booted = startNspawnHost(plan, host, { lower: base.root }).then(() => log(`  ${host.name.padEnd(16)} ${host.address.padEnd(15)} up (${stack})`));
      booted.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled" meanwhile
      boots.push(booted);
    });
    await Promise.all(boots);
    writeSshFiles(plan, paths, hostKeys);
    await waitForRepo(plan);
    const state: LabState = {
      plan,
      inventoryFile: opts.inventory.file,
      createdAt: new Date().toISOString(),
      sudoPassword: Boolean(opts.sudoPassword),
      aptBaseUrl,
      // pkgs.k8s.io-like: one repository per minor (kubernetes/v1.32/, and the next minor's for upgrades).
      packagesUrl: `${aptBaseUrl}/kubernetes/v${opts.inventory.cluster.kubernetes.split('.').slice(0, 2).join('.')}`,
      packagesKey: `${aptBaseUrl}/kubernetes/Release.key`,
      repoPid,
    };
    writeState(state);
    log(`lab '${plan.name}' up: ${plan.hosts.length} hosts in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return state;
  } catch (err) {
    log(`lab up failed; cleaning up: ${(err as Error).message}`);
    await labDown({ name: plan.name, quiet: true });
    throw err;
  }
}
