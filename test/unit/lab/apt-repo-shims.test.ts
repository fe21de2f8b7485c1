// The stand-in packages' shims: the probe's version queries answered in sh, and LAB_NO_FAST_PATH=1 sends them to Node.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debSpecs } from '../../../src/lab/apt-repo.js';
import { tempDir } from '../../support/temp-dir.js';

const specs = debSpecs({ kubernetes: '1.32', containerd: '1.7.24' });
const dir = tempDir('apt-shims-');

/** Runs the shim a package installs at `path`, with /usr/bin/node replaced by `false` (any Node start fails). */
function runShim(path: string, args: string[], env: Record<string, string> = {}) {
  const file = specs.flatMap((s) => Object.entries(s.files)).find(([p]) => p === path)?.[1];
  if (!file) throw new Error(`no package installs ${path}`);
  const script = join(dir, path.replaceAll('/', '_'));
  writeFileSync(script, file.content.toString().replaceAll('/usr/bin/node', 'false'), { mode: 0o755 });
  return spawnSync('sh', [script, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
}

describe('stand-in package shims', () => {
  const cases = [
    { path: '/usr/bin/kubeadm', args: ['version', '-o', 'short'], out: /^v1\.32\.\d+\n$/ },
    { path: '/usr/bin/containerd', args: ['--version'], out: /^containerd github\.com\/containerd\/containerd v1\.7\.24 [0-9a-f]{40}\n$/ },
  ];
  it.each(cases)('$path $args: answered in sh, or by Node with LAB_NO_FAST_PATH=1', ({ path, args, out }) => {
    const fast = runShim(path, args);
    expect(fast.status).toBe(0);
    expect(fast.stdout).toMatch(out);
    const slow = runShim(path, args, { LAB_NO_FAST_PATH: '1' });
    expect(slow.status).not.toBe(0); // it went on to (our stand-in for) Node
    expect(slow.stdout).toBe('');
  });
});
