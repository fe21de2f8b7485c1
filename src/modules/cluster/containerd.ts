// The `containerd` module: a containerd that fits the Kubernetes minor, a complete config for its major, restarted only on change.
import { z } from 'zod';
import type { Module, PlanContext, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { planFile } from '../support/plan-file.js';
import { configMajor, CONTAINERD_CONFIG, pauseImage, renderContainerdConfig } from './host-setup/containerd-config.js';
import {
  describeFloor, DOCKER_KEYRING, DOCKER_SOURCES, dockerRepo, fitsKubernetes, parseContainerdVersion, renderDockerSources, showVersion,
  type ContainerdVersion,
} from './host-setup/containerd-source.js';
import { CA_PACKAGE, fetchKeyScript, INSTALL_CA, updateOnly } from './host-setup/kube-apt.js';
import { parseKubeVersion, type KubeVersion } from '../../cluster/version.js';
import { installScript } from './host-setup/containerd-probe.js';
import { declareFact } from '../../facts/declare.js';
import { containerdFact } from '../../facts/kinds/containerd.js';

const schema = z.strictObject({
  /** Override the sandbox (pause) image, e.g. for a local registry mirror. */
  sandboxImage: z.string().regex(/^[a-z0-9][a-z0-9./:_@-]*$/, 'must be an image reference like registry.k8s.io/pause:3.10').optional(),
  /**
   * Where containerd comes from. auto: the distribution's when it fits the Kubernetes minor, else containerd.io from
   * Docker's apt repository. debian: the distribution's or a refusal. docker: always containerd.io from Docker
   * (also replaces an installed containerd that is too old).
   */
  source: z.enum(['auto', 'debian', 'docker']).default('auto'),
});
export type ContainerdParams = z.output<typeof schema>;

const PACKAGES = ['containerd', 'containerd.io'];
const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };

interface Install {
  steps: Step[];
  what: string;
  /** The version that will run, when known at plan time. */
  version?: ContainerdVersion;
}

function refusal(ctx: PlanContext, v: ContainerdVersion, kube: KubeVersion, where: string): Error {
  return new Error(
    `containerd ${showVersion(v)} (${where}) on ${ctx.host.name} is older than containerd's support matrix allows for Kubernetes ${kube.major}.${kube.minor} ` +
    `(${describeFloor(kube)}); set source: docker on the containerd task to install containerd.io from Docker's apt repository, or install a newer containerd yourself`,
  );
}

function fromDocker(ctx: PlanContext, replaces: boolean): Install {
  const os = ctx.facts.base.os;
  const repo = dockerRepo(os);
  if (!repo) throw new Error(`containerd on ${ctx.host.name}: Docker's apt repository has no containerd.io for ${os.id} ${os.codename || '(no VERSION_CODENAME)'}; install a containerd that fits yourself`);
  const steps: Step[] = [];
  if (!ctx.facts.package(CA_PACKAGE).installed) steps.push(execStep(['sh', '-c', INSTALL_CA], { env: APT_ENV }));
  steps.push(
    execStep(['sh', '-c', fetchKeyScript(repo, DOCKER_KEYRING, 'Docker')]),
    { kind: 'write', path: DOCKER_SOURCES, content: renderDockerSources(repo), mode: 0o644 },
    execStep(updateOnly(DOCKER_SOURCES), { env: APT_ENV }),
    // containerd.io Conflicts/Replaces containerd: apt swaps them in one transaction.
    execStep(['apt-get', 'install', '-y', '--no-install-recommends', 'containerd.io'], { env: APT_ENV }),
  );
  return { steps, what: `install containerd.io from ${repo.url}${replaces ? ' (replaces the distribution\'s containerd)' : ''}` };
}

function planInstall(p: ContainerdParams, ctx: PlanContext, kube: KubeVersion): Install | undefined {
  const probe = ctx.facts.fact(containerdFact, undefined);
  const pkg = PACKAGES.find((n) => ctx.facts.package(n).installed);
  if (pkg) {
    // The package's version (the fact asks the binary only when no package installed it).
    const v = parseContainerdVersion(ctx.facts.package(pkg).version ?? '') ?? parseContainerdVersion(probe.installed ?? '');
    if (!v || fitsKubernetes(v, kube)) return v ? { steps: [], what: '', version: v } : undefined;
    if (p.source === 'docker' && pkg === 'containerd') return fromDocker(ctx, true);
    throw refusal(ctx, v, kube, `installed package ${pkg}`);
  }
  const candidate = parseContainerdVersion(probe.candidates.containerd ?? '');
  if (p.source !== 'docker' && (!candidate || fitsKubernetes(candidate, kube))) {
    // Unknown candidate (empty lists on a fresh host): the install script updates the lists and checks the version itself.
    const steps = [execStep(['sh', '-c', installScript(kube)], { env: APT_ENV })];
    return { steps, what: 'install containerd', ...(candidate ? { version: candidate } : {}) };
  }
  if (p.source === 'debian') throw refusal(ctx, candidate!, kube, 'the distribution\'s candidate');
  return fromDocker(ctx, false);
}

const containerd: Module<ContainerdParams> = {
  name: 'containerd',
  schema,
  probe: () => [
    declareFact(containerdFact),
    { kind: 'file', path: CONTAINERD_CONFIG },
    ...[...PACKAGES, CA_PACKAGE].map((name) => ({ kind: 'package' as const, name })),
    { kind: 'service', name: 'containerd' },
  ],
  plan: (p, ctx) => {
    const kube = parseKubeVersion(ctx.inventory.cluster.kubernetes);
    const installed = PACKAGES.some((n) => ctx.facts.package(n).installed);
    const install = planInstall(p, ctx, kube);
    const version = install?.version;
    const major = configMajor(version);
    const sandboxImage = p.sandboxImage ?? pauseImage(kube);
    const config = planFile({
      ctx,
      path: CONTAINERD_CONFIG,
      want: renderContainerdConfig({ major, sandboxImage }),
      fact: ctx.facts.file(CONTAINERD_CONFIG),
      mode: 0o644,
      label: `${CONTAINERD_CONFIG} (config version ${major >= 2 ? 3 : 2}, SystemdCgroup, ${sandboxImage})`,
    });
    const svc = ctx.facts.service('containerd');
    const systemd = ctx.facts.base.initSystem === 'systemd';
    const what = `containerd ${version ? showVersion(version) : '(version unknown)'}`;
    const installing = install !== undefined && install.steps.length > 0;
    if (!installing && config.action === 'noop' && (!systemd || (svc.active && svc.enabled))) return noop(ctx, `${what} installed, ${config.summary}, running`);
    const steps: Step[] = [];
    const parts: string[] = [];
    if (installing) {
      steps.push(...install.steps);
      parts.push(install.what);
    }
    steps.push(...config.steps);
    if (config.action !== 'noop') parts.push(config.summary);
    if (systemd) {
      // Restart only when the config (or the package) changed; otherwise just make sure it runs at boot and now.
      if (installing || config.action !== 'noop') {
        steps.push(execStep(['systemctl', 'enable', 'containerd']), execStep(['systemctl', 'restart', 'containerd']));
        parts.push('restart containerd');
      } else {
        steps.push(execStep(['systemctl', 'enable', '--now', 'containerd']));
        parts.push('enable and start containerd');
      }
    }
    const out = change(ctx, { action: installed ? 'update' : 'create', summary: `${what}: ${parts.join('; ')}`, steps });
    if (config.diff) out.diff = config.diff;
    return out;
  },
};

export default containerd;
