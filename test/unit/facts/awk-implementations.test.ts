// The probe's awk prints the same facts under every awk a Debian host may call `awk`: mawk (the default on Debian and
// Raspberry Pi OS), gawk (the alternative once installed), busybox's and original-awk. The others are unpacked by
// scripts/test-awks.sh, never installed.
import { execa } from 'execa';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awkReadFunctions, factAwkProgram } from '../../../src/facts/awk-reads.js';
import { FACT_KINDS } from '../../../src/facts/kinds/index.js';
import { parsePreflight } from '../../../src/facts/parse-preflight.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { splitSections } from '../../../src/facts/parse-sections.js';
import { buildProbe, READ_FN } from '../../../src/facts/probe.js';
import { packageReadLines } from '../../../src/facts/probe-packages.js';
import { convergedItems } from '../../support/converged-probe.js';
import { tempDir } from '../../support/temp-dir.js';
import { REQUIRED } from '../modules/real/programs.js';

const AWKS_DIR = process.env.PROVISION_TEST_AWKS ?? '/var/cache/provision-test/awks';
const OTHERS = ['gawk', 'busybox', 'original-awk'];
const present = OTHERS.filter((a) => existsSync(join(AWKS_DIR, a, 'awk')));
const missing = OTHERS.filter((a) => !present.includes(a));
if (missing.length && REQUIRED) {
  it(`the other awks are unpacked in ${AWKS_DIR} (PROVISION_LAB_REQUIRED=1)`, () => {
    throw new Error(`${missing.join(', ')} missing: bash scripts/test-awks.sh`);
  });
}

/** The reference: mawk itself when this machine has it (its `awk` may be another), else its `awk`. */
const reference = (() => {
  const dir = tempDir('provision-awk-ref-');
  const mawk = ['/usr/bin/mawk', '/bin/mawk'].find((p) => existsSync(p));
  symlinkSync(mawk ?? '/usr/bin/awk', join(dir, 'awk'));
  return dir;
})();

/** `script` in sh, with `awk` found first in `awkDir`. */
const sh = async (awkDir: string, script: string) =>
  (await execa('sh', ['-c', script], { reject: false, stripFinalNewline: false, env: { PATH: `${awkDir}:${process.env.PATH}` } })).stdout;

/** A dpkg database with what a node's packages look like, and the stanzas a sloppy parser would misread. */
const dpkgAdmin = (() => {
  const admin = tempDir('provision-awk-dpkg-');
  mkdirSync(join(admin, 'updates'));
  writeFileSync(join(admin, 'arch'), 'amd64\narm64\n');
  writeFileSync(join(admin, 'status'), [
    'Package: containerd\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: 1.7.24~ds1-1\nDescription: daemon\n continued: Package: fake\n Status: deinstall ok config-files\n .\n Version: 9\n',
    'Package: kubelet\nStatus: hold ok installed\nArchitecture: amd64\nVersion: 1:1.32.3-1.1\n',
    'Package: kubeadm\nStatus: install ok half-configured\nArchitecture: amd64\nVersion: 1.32.3-1.1\n',
    'Package: kubectl\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.31.0-1.1\n',
    'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nVersion: 2.36-9+deb12u9\n',
    'Package: libc6\nStatus: install ok installed\nArchitecture: arm64\nMulti-Arch: same\nVersion: 2.36-9+deb12u9\n',
    'Package: haproxy\r\nStatus: install ok installed\r\nVersion: 2.6.12-1+deb12u1\r\n',
    'Package: last-no-newline\nStatus: install ok installed\nVersion: 1',
  ].join('\n'));
  return admin;
})();

/** bettley's whole converged probe under the awk in `awkDir`: its tables and preflight facts, the clock's readings left out. */
async function bettley(awkDir: string, dpkgAdminDir?: string) {
  const k8s = tempDir('provision-awk-impl-k8s-');
  writeFileSync(join(k8s, 'kubelet.conf'), '');
  const { items, nodesProbeAddress, lines } = await convergedItems({ inventory: 'inventory/goldentooth.yaml', host: 'bettley', preflightKubernetesDir: k8s });
  const probe = buildProbe({ items, lines, marker: 'MK', ...(nodesProbeAddress ? { nodesProbeAddress } : {}), ...(dpkgAdminDir ? { dpkgAdminDir } : {}) });
  const parsed = parseProbe(await sh(awkDir, probe.script), probe);
  const { clock, clockError, varFreeKiB, ...preflight } = parsePreflight(parsed.sections).facts;
  return { complete: parsed.complete, script: probe.script, tables: parsed.tables, preflight };
}

describe.each(present)('%s', (name) => {
  const dir = join(AWKS_DIR, name);

  it("bettley's converged probe: every table and preflight fact as under mawk (a node's packages, this machine's too)", async () => {
    for (const admin of [dpkgAdmin, undefined]) {
      const [ref, other] = [await bettley(reference, admin), await bettley(dir, admin)];
      expect(ref.complete && other.complete, name).toBe(true);
      expect(ref.script).toContain('P_ar='); // the awk read the files too
      expect(other.tables).toEqual(ref.tables);
      expect(other.preflight).toEqual(ref.preflight);
      if (admin) {
        expect(Object.fromEntries(ref.tables.packages!)).toMatchObject({
          containerd: { installed: true, version: '1.7.24~ds1-1', held: false },
          kubelet: { installed: true, version: '1:1.32.3-1.1', held: true },
          kubectl: { installed: false },
        });
      }
    }
  });

  it('reads files as the shell does: no final newline, empty, missing, backslashes, tabs, a prefix line', async () => {
    const files = tempDir('provision-awk-impl-files-');
    const f = (n: string, text: string) => (writeFileSync(join(files, n), text), join(files, n));
    const plain = f('plain', 'one\n  two with  spaces\t\n\nback\\slash \\n\n');
    const tail = f('tail', 'first\nlast without newline');
    const empty = f('empty', '');
    const lines = [`ar one ${plain} ${tail} ${empty} ${join(files, 'missing')}`, `ag last last ${tail}`, `ag page Two ${plain}`, `ag sp '  two' ${plain}`];
    const head = ['M=MK', `s() { printf '\\n%s %s\\n' "$M" "$1"; }`, READ_FN];
    const byShell = splitSections(await sh(reference, [...head, ...awkReadFunctions(false), ...lines].join('\n')), 'MK');
    const byAwk = splitSections(await sh(dir, [...head, ...awkReadFunctions(true), ...lines, ...packageReadLines(['dpkg'], undefined, { reads: true })].join('\n')), 'MK');
    byAwk.delete('packages');
    expect(byAwk).toEqual(byShell);
    expect(byShell.get('sp')).toBe('  two with  spaces\t\n');
  });

  it("each fact kind's awk reader prints what its script prints", async () => {
    for (const kind of FACT_KINDS.filter((k) => k.awk)) {
      const byShell = await sh(reference, kind.script(undefined as never));
      const out = await execa(join(dir, 'awk'), ['-v', 'M=MK', factAwkProgram('k', 0, kind.awk!(undefined as never)), '/dev/null'], { reject: false, stripFinalNewline: false });
      expect(splitSections(out.stdout, 'MK').get('k'), kind.name).toBe(byShell);
      expect(splitSections(out.stdout, 'MK').get('k.rc'), kind.name).toBe('0\n');
    }
  });
});
