// Version parsing and the choices that hang on it: kubeadm API version and the exact kubernetesVersion.
import { describe, expect, it } from 'vitest';
import { exactKubeVersion, kubeadmApiVersion, parseKubeVersion } from '../../../src/cluster/version.js';

describe('kubeadmApiVersion', () => {
  it.each([
    ['1.28', 'kubeadm.k8s.io/v1beta3'],
    ['1.30', 'kubeadm.k8s.io/v1beta3'],
    ['1.31', 'kubeadm.k8s.io/v1beta4'],
    ['v1.32.3', 'kubeadm.k8s.io/v1beta4'],
    ['2.0', 'kubeadm.k8s.io/v1beta4'],
  ])('%s → %s', (v, api) => expect(kubeadmApiVersion(parseKubeVersion(v))).toBe(api));
});

describe('exactKubeVersion', () => {
  it.each([
    { wanted: '1.32', installed: 'v1.32.3\n', out: 'v1.32.3' },
    { wanted: '1.32', installed: 'v1.31.9', out: 'v1.32.0' },
    { wanted: '1.32', installed: undefined, out: 'v1.32.0' },
    { wanted: '1.32', installed: 'garbage', out: 'v1.32.0' },
    { wanted: '1.30.2', installed: 'v1.30.9', out: 'v1.30.2' },
  ])('$wanted with kubeadm $installed → $out', ({ wanted, installed, out }) => expect(exactKubeVersion(parseKubeVersion(wanted), installed)).toBe(out));
});

describe('parseKubeVersion', () => {
  it.each(['', '1', 'latest', '1.x', '1.32.3.4'])('rejects %j', (v) => expect(() => parseKubeVersion(v)).toThrow(/not a Kubernetes version/));
});
