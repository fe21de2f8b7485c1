// The `kube-packages` module: the Kubernetes apt repository for the cluster's minor, kubeadm/kubelet/kubectl installed and held.
import { z } from 'zod';
import type { Module, Step } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { planFile } from '../support/plan-file.js';
import { CA_PACKAGE, fetchKeyScript, INSTALL_CA, KEYRING, KUBE_PACKAGES, kubeRepo, needsCaCertificates, renderSourcesList, SOURCES_LIST, updateOnly } from './host-setup/kube-apt.js';
import { parseKubeVersion } from '../../cluster/version.js';

const schema = z.strictObject({
  /** Override the repository URL and key (default: inventory cluster.packages, else pkgs.k8s.io). */
  url: z.string().url().optional(),
  key: z.string().url().optional(),
});
export type KubePackagesParams = z.output<typeof schema>;

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };


const kubePackages: Module<KubePackagesParams> = {
  name: 'kube-packages',
  schema,
  probe: () => [
    { kind: 'file', path: KEYRING },
    { kind: 'file', path: SOURCES_LIST },
    ...[...KUBE_PACKAGES, CA_PACKAGE].map((name) => ({ kind: 'package' as const, name })),
  ],
  plan: (p, ctx) => {
    const repo = kubeRepo(ctx.inventory);
    if (p.url) repo.url = p.url.endsWith('/') ? p.url : `${p.url}/`;
    if (p.key) repo.key = p.key;
    const sources = planFile({ ctx, path: SOURCES_LIST, want: renderSourcesList(repo), fact: ctx.facts.file(SOURCES_LIST), mode: 0o644, label: `${SOURCES_LIST} (${repo.url})` });
    const keyring = ctx.facts.file(KEYRING);
    const facts = KUBE_PACKAGES.map((name) => ({ name, ...ctx.facts.package(name) }));
    const missing = facts.filter((f) => !f.installed).map((f) => f.name);
    const unheld = facts.filter((f) => !f.held).map((f) => f.name);
    const wanted = parseKubeVersion(ctx.inventory.cluster.kubernetes);
    const otherMinor = facts.filter((f) => f.installed && f.version && !f.version.startsWith(`${wanted.major}.${wanted.minor}.`));
    const warn = otherMinor.length ? ` (warning: ${otherMinor.map((f) => `${f.name} ${f.version}`).join(', ')} is not ${wanted.major}.${wanted.minor}; upgrades are kubeadm's job, not this module's)` : '';
    const versions = facts.filter((f) => f.installed).map((f) => `${f.name} ${f.version ?? '?'}`).join(', ');
    if (sources.action === 'noop' && keyring.exists && missing.length === 0 && unheld.length === 0) {
      return noop(ctx, `${versions} installed and held, from ${repo.url}${warn}`);
    }
    const steps: Step[] = [];
    const parts: string[] = [];
    const refreshKey = !keyring.exists || sources.action !== 'noop';
    const fetches = refreshKey || sources.action !== 'noop' || missing.length > 0;
    if (fetches && needsCaCertificates(repo) && !ctx.facts.package(CA_PACKAGE).installed) {
      steps.push(execStep(['sh', '-c', INSTALL_CA], { env: APT_ENV }));
      parts.push(`install ${CA_PACKAGE} (https)`);
    }
    if (refreshKey) {
      steps.push(execStep(['sh', '-c', fetchKeyScript(repo)]));
      parts.push(`keyring ${KEYRING} from ${repo.key}`);
    }
    steps.push(...sources.steps);
    if (sources.action !== 'noop') parts.push(sources.summary);
    if (fetches) {
      // Only this repository's lists: fast, and no other source is contacted.
      steps.push(execStep(updateOnly(SOURCES_LIST), { env: APT_ENV }));
    }
    if (missing.length > 0) {
      steps.push(execStep(['apt-get', 'install', '-y', '--no-install-recommends', ...missing], { env: APT_ENV }));
      parts.push(`install ${missing.join(' ')}`);
    }
    if (unheld.length > 0) {
      steps.push(execStep(['apt-mark', 'hold', ...unheld]));
      parts.push(`hold ${unheld.join(' ')}`);
    }
    const out = change(ctx, { action: missing.length === KUBE_PACKAGES.length ? 'create' : 'update', summary: parts.join('; ') + warn, steps });
    if (sources.diff) out.diff = sources.diff;
    return out;
  },
};

export default kubePackages;
