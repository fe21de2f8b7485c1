// The one table of upstream add-on artifacts provision applies: component, version, URL, sha256 (never copied here).
// Each sha256 is of the file at the release tag in the upstream git repository, which is exactly what the
// raw.githubusercontent.com URL serves (see docs/kubernetes.md, "Add-ons", for the git objects checked).

export type AddonComponent = 'calico' | 'flannel' | 'metallb';

export interface Artifact {
  component: AddonComponent;
  version: string;
  /** A stable name for the cache, the mirror and the node (also the file name inside a mirror directory). */
  file: string;
  url: string;
  sha256: string;
}

const raw = (repo: string, tag: string, path: string) => `https://raw.githubusercontent.com/${repo}/${tag}/${path}`;

export const CALICO_VERSION = 'v3.30.7';
export const FLANNEL_VERSION = 'v0.28.9';
export const METALLB_VERSION = 'v0.15.3';

/** In apply order within a component (Calico's CRDs before its operator). */
export const ARTIFACTS: readonly Artifact[] = [
  {
    component: 'calico',
    version: CALICO_VERSION,
    file: `calico-${CALICO_VERSION}-operator-crds.yaml`,
    url: raw('projectcalico/calico', CALICO_VERSION, 'manifests/operator-crds.yaml'),
    sha256: '53b2e2791915809db8016b72d4ceac9d1dd529d053984eb203c06b94c6639ee3',
  },
  {
    component: 'calico',
    version: CALICO_VERSION,
    file: `calico-${CALICO_VERSION}-tigera-operator.yaml`,
    url: raw('projectcalico/calico', CALICO_VERSION, 'manifests/tigera-operator.yaml'),
    sha256: 'bcc9f89c1847ee5237c29c1b7e4a67c86296cb0139619093df6ca98ec14abf18',
  },
  {
    component: 'flannel',
    version: FLANNEL_VERSION,
    file: `flannel-${FLANNEL_VERSION}-kube-flannel.yml`,
    url: raw('flannel-io/flannel', FLANNEL_VERSION, 'Documentation/kube-flannel.yml'),
    sha256: 'e875824be2f552b45711dbda91af81b17eb961d00025d914d9fef18fad8f09c0',
  },
  {
    component: 'metallb',
    version: METALLB_VERSION,
    file: `metallb-${METALLB_VERSION}-metallb-native.yaml`,
    url: raw('metallb/metallb', METALLB_VERSION, 'config/manifests/metallb-native.yaml'),
    sha256: '84b4e102f2b65f5d69085f5816c29362b74641873d8ac3de996e5f86a8219176',
  },
];
