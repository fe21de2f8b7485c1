// Fact kind `kubeadm-version`: the installed kubeadm's own version (`kubeadm version -o short`), when it answers.
import type { FactKind } from '../../core/types.js';

export const kubeadmVersion: FactKind<undefined, { version?: string }> = {
  name: 'kubeadm-version',
  about: 'the installed kubeadm version (kubeadm version -o short)',
  script: () => 'kubeadm version -o short 2>/dev/null',
  parse: (out) => (out.code === 0 && out.stdout.trim() ? { version: out.stdout.trim() } : {}),
  shown: () => undefined,
};
