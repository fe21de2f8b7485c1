// Fact kind `kubeadm-version`: an unpackaged kubeadm's own version (`kubeadm version -o short`), when it answers.
import type { FactKind, Facts } from '../../core/types.js';

/** The package whose version stands for kubeadm's own when dpkg installed it (no Go binary started to ask it). */
export const KUBEADM_PACKAGE = 'kubeadm';

export const kubeadmVersion: FactKind<undefined, { version?: string }> = {
  name: 'kubeadm-version',
  about: 'the version of a kubeadm no package installed (kubeadm version -o short)',
  script: () => `[ -e /var/lib/dpkg/info/${KUBEADM_PACKAGE}.list ] || kubeadm version -o short 2>/dev/null`,
  parse: (out) => (out.code === 0 && out.stdout.trim() ? { version: out.stdout.trim() } : {}),
  shown: () => undefined,
};

/**
 * The installed kubeadm's version as `kubeadm version -o short` prints it ("v1.30.2"): from the package
 * ("1.30.2-1.1": upstream version, Debian revision cut), else the binary's own answer. Read with the fact and the
 * package declared.
 */
export function installedKubeadm(facts: Facts): string | undefined {
  const pkg = facts.package(KUBEADM_PACKAGE);
  const upstream = pkg.installed ? /^(?:\d+:)?(\d+\.\d+\.\d+[^-]*)/.exec(pkg.version ?? '')?.[1] : undefined;
  // Debian spells a pre-release with '~' (1.33.0~rc.1) where kubeadm prints '-' (v1.33.0-rc.1).
  return upstream ? `v${upstream.replace(/~/g, '-')}` : facts.fact(kubeadmVersion, undefined).version;
}
