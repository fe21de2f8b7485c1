// The `containerd` module: installed, a complete config with SystemdCgroup for its major, restarted only on change.
import { z } from 'zod';
import type { Module, Step } from '../engine/types.js';
import { change, noop } from './support/change.js';
import { execStep } from './support/command.js';
import { planFile } from './support/plan-file.js';
import { CONTAINERD_CONFIG, parseContainerdVersion, pauseImage, renderContainerdConfig } from './host-setup/containerd-config.js';
import { parseKubeVersion } from './kubernetes/version.js';

const schema = z.strictObject({
  /** Override the sandbox (pause) image, e.g. for a local registry mirror. */
  sandboxImage: z.string().regex(/^[a-z0-9][a-z0-9./:_@-]*$/, 'must be an image reference like registry.k8s.io/pause:3.10').optional(),
});
export type ContainerdParams = z.output<typeof schema>;

const VERSION_KEY = 'containerd:version';
// Installed binary first; else what apt would install, so the first run already writes the right schema.
const VERSION_SCRIPT = [
  'if command -v containerd >/dev/null 2>&1; then echo "installed $(containerd --version 2>/dev/null)";',
  "else echo \"candidate $(apt-cache policy containerd 2>/dev/null | sed -n 's/^ *Candidate: //p')\"; fi",
].join('\n');
const PACKAGES = ['containerd', 'containerd.io'];

const INSTALL = [
  'export DEBIAN_FRONTEND=noninteractive',
  // Fresh hosts may have stale lists: one update, only when the plain install fails.
  'apt-get install -y --no-install-recommends containerd || { apt-get update && apt-get install -y --no-install-recommends containerd; }',
].join('\n');

const containerd: Module<ContainerdParams> = {
  name: 'containerd',
  schema,
  probe: () => [
    { kind: 'command', key: VERSION_KEY, script: VERSION_SCRIPT },
    { kind: 'file', path: CONTAINERD_CONFIG },
    ...PACKAGES.map((name) => ({ kind: 'package' as const, name })),
    { kind: 'service', name: 'containerd' },
  ],
  plan: (p, ctx) => {
    const installed = PACKAGES.some((n) => ctx.facts.package(n).installed);
    const probe = ctx.facts.command(VERSION_KEY).stdout.trim();
    const version = parseContainerdVersion(probe.replace(/^(installed|candidate)\s*/, ''));
    // Unknown version: config version 2 — containerd 1.x needs it and 2.x still reads (and migrates) it.
    const major = version?.major ?? 1;
    const sandboxImage = p.sandboxImage ?? pauseImage(parseKubeVersion(ctx.inventory.cluster.kubernetes));
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
    const what = `containerd ${version ? `${version.major}.${version.minor}` : '(version unknown)'}`;
    if (installed && config.action === 'noop' && (!systemd || (svc.active && svc.enabled))) return noop(ctx, `${what} installed, ${config.summary}, running`);
    const steps: Step[] = [];
    const parts: string[] = [];
    if (!installed) {
      steps.push(execStep(['sh', '-c', INSTALL]));
      parts.push('install containerd');
    }
    steps.push(...config.steps);
    if (config.action !== 'noop') parts.push(config.summary);
    if (systemd) {
      // Restart only when the config (or the package) changed; otherwise just make sure it runs at boot and now.
      if (!installed || config.action !== 'noop') {
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
