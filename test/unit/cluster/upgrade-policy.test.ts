// The refusals of `provision upgrade` (skipped minor, downgrade, kubelet skew) and the repository move per minor.
import { describe, expect, it } from 'vitest';
import { minorOf, repoUrlForMinor, skewRefusals } from '../../../src/cluster/upgrade-policy.js';
import { parseKubeVersion } from '../../../src/cluster/version.js';

const at = (v: string) => ({
  controlPlanes: [{ name: 'cp1', apiserver: `v${v}.3` }, { name: 'cp2', apiserver: `v${v}.3` }],
  kubelets: [{ name: 'cp1', version: `v${v}.3` }, { name: 'w1', version: `v${v}.3` }],
  kubeadms: [{ name: 'cp1', version: `${v}.3-1.1` }],
});

describe('skewRefusals', () => {
  it('allows the next minor and the same minor (a resumed upgrade)', () => {
    expect(skewRefusals({ target: parseKubeVersion('1.33'), ...at('1.32') })).toEqual([]);
    expect(skewRefusals({ target: parseKubeVersion('1.32'), ...at('1.32') })).toEqual([]);
  });
  it('refuses a skipped minor and names the path', () => {
    const r = skewRefusals({ target: parseKubeVersion('1.34'), ...at('1.32') });
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(/cannot upgrade from 1\.32 to 1\.34: kubeadm upgrades one minor at a time.*upgrade to 1\.33, then 1\.34/);
  });
  it('counts from the lowest control plane when an upgrade was left half-way', () => {
    const s = { ...at('1.32'), controlPlanes: [{ name: 'cp1', apiserver: 'v1.33.3' }, { name: 'cp2', apiserver: 'v1.32.3' }] };
    expect(skewRefusals({ target: parseKubeVersion('1.33'), ...s })).toEqual([]);
    expect(skewRefusals({ target: parseKubeVersion('1.34'), ...s })[0]).toMatch(/from 1\.32 to 1\.34/);
  });
  it('refuses a downgrade', () => {
    expect(skewRefusals({ target: parseKubeVersion('1.31'), ...at('1.32') })[0]).toMatch(/cannot go from 1\.32 down to 1\.31/);
  });
  it('refuses kubelets more than 3 minors behind the target, and kubelets or kubeadm ahead of it', () => {
    const old = { ...at('1.32'), kubelets: [{ name: 'w1', version: 'v1.29.9' }, { name: 'w2', version: 'v1.30.1' }] };
    const r = skewRefusals({ target: parseKubeVersion('1.33'), ...old });
    expect(r).toEqual([expect.stringMatching(/kubelets too old for 1\.33 .*w1 v1\.29\.9; upgrade them first$/)]);
    const ahead = { ...at('1.32'), kubelets: [{ name: 'w1', version: 'v1.34.0' }], kubeadms: [{ name: 'w1', version: '1.34.0-1.1' }] };
    const r2 = skewRefusals({ target: parseKubeVersion('1.33'), ...ahead });
    expect(r2.join('\n')).toMatch(/kubelets newer than 1\.33 .*w1 v1\.34\.0/);
    expect(r2.join('\n')).toMatch(/kubeadm newer than 1\.33 is installed on w1/);
  });
  it('refuses when no control plane version can be read', () => {
    expect(skewRefusals({ target: parseKubeVersion('1.33'), ...at('1.32'), controlPlanes: [{ name: 'cp1' }] })[0]).toMatch(/no control plane version/);
  });
});

describe('minorOf and repoUrlForMinor', () => {
  it('reads dpkg and API versions', () => {
    expect(minorOf('1.32.3-1.1')).toBe(32);
    expect(minorOf('v1.33.0')).toBe(33);
    expect(minorOf(undefined)).toBeUndefined();
    expect(minorOf('2.0.0')).toBeUndefined();
  });
  it('moves pkgs.k8s.io and mirrors laid out like it; refuses a URL with no minor', () => {
    expect(repoUrlForMinor('https://pkgs.k8s.io/core:/stable:/v1.32/deb/', 32, 33)).toBe('https://pkgs.k8s.io/core:/stable:/v1.33/deb/');
    expect(repoUrlForMinor('http://10.0.0.1/kubernetes/v1.32', 32, 33)).toBe('http://10.0.0.1/kubernetes/v1.33');
    expect(repoUrlForMinor('https://pkgs.k8s.io/core:/stable:/v1.33/deb/', 32, 33)).toBe('https://pkgs.k8s.io/core:/stable:/v1.33/deb/');
    expect(repoUrlForMinor('http://mirror.lan/kubernetes/', 32, 33)).toBeUndefined();
    expect(repoUrlForMinor('http://mirror.lan/v1.320/', 32, 33)).toBeUndefined();
  });
});
