// The core contracts of plan-then-apply: probe items, facts, changes, steps, modules and providers.
import type { ZodType } from 'zod';
import type { Command } from './command.js';
import type { Secret } from './secret.js';
import type { Host, Inventory } from '../inventory/types.js';

/**
 * What a module needs to know about a host. The engine dedups every item of every task of a play
 * and folds them into ONE probe script per host, run in one exec.
 */
export type ProbeItem =
  | { kind: 'file'; path: string } // exists, content (text), sha256, mode, owner, group
  | { kind: 'package'; name: string } // dpkg state, version, held
  | { kind: 'service'; name: string } // unit exists, active, enabled
  | { kind: 'command'; key: string; script: string } // a user's own shell check (the command module's `unless`)
  /** A shared fact kind by name (src/facts/kinds/), with its arguments: read by the kind's script, parsed by its parser. */
  | { kind: 'fact'; fact: string; args?: unknown };

export interface FileFact {
  exists: boolean;
  content?: string; // utf-8 text; absent when not exists or larger than the probe's cap
  sha256?: string;
  mode?: number;
  owner?: string;
  group?: string;
}
export interface PackageFact {
  installed: boolean;
  version?: string;
  held: boolean;
}
export interface ServiceFact {
  exists: boolean;
  active: boolean;
  enabled: boolean;
}
export interface CommandFact {
  code: number;
  stdout: string;
}

/** Always collected, whatever the tasks ask for. */
export interface BaseFacts {
  hostname: string;
  bootId: string;
  /** os-release's ID, VERSION_ID, PRETTY_NAME (else NAME) and VERSION_CODENAME ('' when it has none). */
  os: { id: string; versionId: string; prettyName: string; codename: string };
  arch: string; // dpkg architecture: amd64, arm64, armhf
  kernel: string;
  initSystem: 'systemd' | 'other';
  networkStack: 'ifupdown' | 'networkmanager' | 'netplan' | 'systemd-networkd' | 'unknown';
  /** The interface of the route to the inventory's network.nodes (or the default route). */
  primaryInterface?: string;
  primaryAddress?: string;
  routes: Array<{ dst: string; dev?: string; gateway?: string; protocol?: string }>;
  board: 'raspberry-pi' | 'generic';
}

/**
 * A kind of fact any module can declare as `{ kind: 'fact', fact: NAME, args }`: one script run inside the one probe
 * per host (stdout and exit code kept), one pure parser. Kinds live in src/facts/kinds/, one file each.
 */
export interface FactKind<A = undefined, T = unknown> {
  name: string;
  /** What it reads, in a few words (`provision facts`). */
  about: string;
  /**
   * POSIX sh, run in the probe's own shell (a brace group, no fork): read-only, as few processes as it can (builtins
   * first), never `exit`, and it must not set the probe's variables (M, s); its last command's status is its rc.
   */
  script(args: A): string;
  /**
   * The same read as awk statements, printing exactly what `script` prints: when the probe runs the packages' awk, the
   * fact rides in it (one buffered read a file, where dash's `read` takes a read(2) a byte). Its locals: a, c, k, l,
   * m, n, p (facts/awk-reads.ts factAwkProgram); its rc is 0.
   */
  awk?(args: A): string;
  parse(out: CommandFact, args: A): T;
  /** The args `provision facts` reads this kind with (what provision's own modules would ask of this inventory). */
  shown(inventory: Inventory): A;
  /** What `provision facts` prints of a value, when not all of it (a file that may hold a password). */
  display?(value: T): unknown;
}

export interface Facts {
  base: BaseFacts;
  file(path: string): FileFact;
  package(name: string): PackageFact;
  service(name: string): ServiceFact;
  command(key: string): CommandFact;
  /** A declared fact kind's parsed value (the same args as the `fact` probe item). */
  fact<A, T>(kind: FactKind<A, T>, args: A): T;
}

export type Action = 'noop' | 'create' | 'update' | 'delete' | 'run';

/** Content of a write: text, a secret, or a template filled from provider outputs at apply time. */
export type Content = string | Secret | { template: string; secret: true };

export type Step =
  | {
      kind: 'write';
      path: string;
      content: Content;
      mode?: number; // default: keep the existing file's mode, else 0o644
      owner?: string; // default: keep existing, else root
      group?: string;
      /** argv run against the temp file before the rename; '%s' is replaced by the temp path. */
      validate?: string[];
      backup?: boolean;
    }
  | { kind: 'delete'; path: string }
  | { kind: 'exec'; command: Command; /** output is secret: never reported */ secret?: boolean }
  /**
   * Dead man's switch: run `arm` (schedules a rollback on the host itself), then `apply`, then open a
   * NEW connection and run `true`; on success run `disarm` (and `persist`). On failure the host rolls
   * itself back and the step fails with a clear message.
   */
  | { kind: 'guarded'; arm: Command; apply: Command; disarm: Command; confirmTimeoutMs?: number }
  /** Reboot and wait until SSH answers with a NEW boot id, within timeoutMs. */
  | { kind: 'reboot'; timeoutMs: number }
  /**
   * A value one host makes for others (a join token, a certificate key): the runner runs the provider named here on
   * the first host of `on` that is ready, once per run, and keeps its output as Secret outputs for the templates of
   * later steps. Planned like any step, so --check lists it; its output is never shown. `command` is what it runs.
   */
  | { kind: 'provide'; provider: string; command: Command; on: string[] }
  /** Copy a remote file to the laptop (e.g. admin.conf → ./kubeconfig/NAME.conf). transform rewrites it. */
  | { kind: 'fetch'; path: string; dest: string; mode: number; transform?: (content: string) => string };

export interface Change {
  host: string;
  task: string;
  action: Action;
  /** Always set, even for noop: says what is (or will be) true. */
  summary: string;
  diff?: { path: string; before: string; after: string };
  steps: Step[];
  /** Handler names to notify when this change is applied (not noop). */
  notify?: string[];
}

export interface PlanContext {
  host: Host;
  inventory: Inventory;
  facts: Facts;
  /** Facts of every host already probed in this run (other hosts of the play, for cross-host decisions). */
  peers: ReadonlyMap<string, Facts>;
  task: string;
}

export interface ProbeContext {
  host: Host;
  inventory: Inventory;
}

/** A module is pure: it never touches SSH. Facts in, Change(s) out. */
export interface Module<P = unknown> {
  name: string;
  schema: ZodType<P>;
  probe(params: P, ctx: ProbeContext): ProbeItem[];
  plan(params: P, ctx: PlanContext): Change | Change[];
}

/**
 * A value one host produces for others (join token, certificate key, CA hash). Resolved lazily by the
 * runner, at most once per run, on the first candidate host where `ready` succeeds; outputs are secrets
 * kept in memory only, and fill `{{provider.key}}` placeholders in templates.
 */
export interface Provider {
  name: string;
  candidates(inventory: Inventory): string[];
  ready: Command; // exit 0 when this host can provide (e.g. test -f /etc/kubernetes/admin.conf)
  /** What `ready` checks, in words, for the error when no candidate is ready. */
  readyMeans?: string;
  command: Command;
  parse(stdout: string): Record<string, Secret>;
}
