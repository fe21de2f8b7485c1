// Renders a complete containerd config.toml for kubelet (systemd cgroups), in the schema of the installed major.
import type { KubeVersion } from '../../../cluster/version.js';

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';

/** The pause image kubeadm expects for a Kubernetes minor (kubeadm's constants.PauseVersion). */
export function pauseImage(v: KubeVersion): string {
  const tag = v.minor >= 34 ? '3.10.1' : v.minor >= 31 ? '3.10' : v.minor >= 27 ? '3.9' : '3.8';
  return `registry.k8s.io/pause:${tag}`;
}

/**
 * The containerd major whose config schema to write: 2 (config version 3) only for a daemon known to be 2.x; a 1.x
 * daemon ignores a version 3 file (SystemdCgroup stays false), while 2.x still reads and migrates version 2.
 */
export function configMajor(v: { major: number } | undefined): number {
  return v && v.major >= 2 ? 2 : 1;
}

export interface ContainerdConfigOptions {
  /** containerd's major version: 1 → config version 2, 2+ → config version 3. */
  major: number;
  sandboxImage: string;
}

const HEADER = [
  '# Managed by provision (containerd module): the whole file. Re-run provision instead of editing.',
  '# Everything not set here keeps containerd\'s built-in default (`containerd config default`).',
];

/**
 * Only what kubelet needs differs from the defaults: the CRI plugin enabled, runc with SystemdCgroup,
 * and the sandbox (pause) image kubeadm expects. Config version 2 for containerd 1.x (which rejects 3),
 * version 3 for 2.x (whose CRI plugin was split into cri.v1.images and cri.v1.runtime).
 */
export function renderContainerdConfig(opts: ContainerdConfigOptions): string {
  const common = ["root = '/var/lib/containerd'", "state = '/run/containerd'", "disabled_plugins = []", '', '[grpc]', "  address = '/run/containerd/containerd.sock'", ''];
  if (opts.major >= 2) {
    return [
      ...HEADER,
      'version = 3',
      ...common,
      "[plugins.'io.containerd.cri.v1.images'.pinned_images]",
      `  sandbox = '${opts.sandboxImage}'`,
      '',
      "[plugins.'io.containerd.cri.v1.runtime'.containerd]",
      "  default_runtime_name = 'runc'",
      '',
      "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]",
      "  runtime_type = 'io.containerd.runc.v2'",
      '',
      "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]",
      '  SystemdCgroup = true',
      '',
    ].join('\n');
  }
  return [
    ...HEADER,
    'version = 2',
    ...common,
    "[plugins.'io.containerd.grpc.v1.cri']",
    `  sandbox_image = '${opts.sandboxImage}'`,
    '',
    "[plugins.'io.containerd.grpc.v1.cri'.containerd]",
    "  default_runtime_name = 'runc'",
    '',
    "[plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.runc]",
    "  runtime_type = 'io.containerd.runc.v2'",
    '',
    "[plugins.'io.containerd.grpc.v1.cri'.containerd.runtimes.runc.options]",
    '  SystemdCgroup = true',
    '',
  ].join('\n');
}
