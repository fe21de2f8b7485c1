// The files the probe's sections read come back the same whether the packages' awk reads them or the shell does.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awkReadFunctions, factAwkProgram } from '../../../src/facts/awk-reads.js';
import { FACT_KINDS } from '../../../src/facts/kinds/index.js';
import { parseBase } from '../../../src/facts/parse-base.js';
import { parsePreflight } from '../../../src/facts/parse-preflight.js';
import { parseProbe } from '../../../src/facts/parse-probe.js';
import { splitSections } from '../../../src/facts/parse-sections.js';
import { buildProbe, READ_FN } from '../../../src/facts/probe.js';
import { packageReadLines } from '../../../src/facts/probe-packages.js';
import { convergedItems } from '../../support/converged-probe.js';
import { tempDir } from '../../support/temp-dir.js';

const sh = async (script: string) => (await execa('sh', ['-c', script], { reject: false, stripFinalNewline: false })).stdout;
const head = [`M=MK`, `s() { printf '\\n%s %s\\n' "$M" "$1"; }`, READ_FN];

/** `lines` (using ar and ag) run with the shell reading, and with the awk reading (after them, as in a probe). */
async function bothWays(lines: string[]): Promise<[Map<string, string>, Map<string, string>]> {
  const byShell = await sh([...head, ...awkReadFunctions(false), ...lines].join('\n'));
  const byAwk = await sh([...head, ...awkReadFunctions(true), ...lines, ...packageReadLines(['dpkg'], undefined, { reads: true })].join('\n'));
  const drop = (m: Map<string, string>) => (m.delete('packages'), m);
  return [splitSections(byShell, 'MK'), drop(splitSections(byAwk, 'MK'))];
}

describe('ar and ag: the awk prints what the shell prints', () => {
  const dir = tempDir('provision-awk-reads-');
  const f = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const plain = f('plain', 'one\n  two with  spaces\t\n\nback\\slash\n');
  const noNewline = f('tail', 'first\nlast without newline');
  const empty = f('empty', '');
  mkdirSync(join(dir, 'sub\nname'), { recursive: true });
  const newline = f('sub\nname/file', 'a name with a newline\n');
  const smaps = f('smaps', '5581-5590 r--p 00000000 08:01 1 /usr/bin/mawk\nSize:                 32 kB\nKernelPageSize:        4 kB\nKernelPageSize:       16 kB\n');

  it('whole files, in order, a last line given its newline; missing and unreadable files print nothing', async () => {
    const [byShell, byAwk] = await bothWays([
      `ar one ${plain} ${noNewline} ${empty} ${join(dir, 'missing')}`,
      `ar none ${join(dir, 'missing')}`,
      `ar two ${noNewline}`,
      `ag page KernelPageSize: ${smaps}`,
      `ag nopage NoSuchLine: ${smaps}`,
      `ag gone KernelPageSize: ${join(dir, 'missing')}`,
      `ag last last ${noNewline}`,
    ]);
    expect(byAwk).toEqual(byShell);
    expect(byShell.get('one')).toBe('one\n  two with  spaces\t\n\nback\\slash\nfirst\nlast without newline\n');
    expect(byShell.get('none')).toBe('');
    expect(byShell.get('page')).toBe('KernelPageSize:        4 kB\n');
    expect(byShell.get('nopage')).toBe('');
    expect(byShell.get('last')).toBe('last without newline\n');
  });

  it('a name with a newline (only a glob makes one) is not queued for the awk: the section stays, without it', async () => {
    const [, byAwk] = await bothWays([`ar nl ${plain} '${newline}'`]);
    expect(byAwk.get('nl')).toBe('one\n  two with  spaces\t\n\nback\\slash\n');
  });
});

describe('a converged probe: the same facts whether the awk reads or the shell does', () => {
  it("bettley's whole probe (preflight's reads of a joined node included)", async () => {
    const k8s = tempDir('provision-awk-reads-k8s-');
    writeFileSync(join(k8s, 'kubelet.conf'), '');
    const { items, nodesProbeAddress, lines } = await convergedItems({ inventory: 'inventory/goldentooth.yaml', host: 'bettley', preflightKubernetesDir: k8s });
    const run = async (readsByAwk: boolean) => {
      const probe = buildProbe({ items, lines, marker: 'MK', ...(nodesProbeAddress ? { nodesProbeAddress } : {}), readsByAwk });
      const out = await sh(probe.script);
      return { probe, out, parsed: parseProbe(out, probe) };
    };
    const [byShell, byAwk] = [await run(false), await run(true)];
    // It was asked: the awk read them (the shell's script has no `rd` of them), and both finished.
    expect(byAwk.probe.script).toContain('P_ar=');
    expect(byShell.probe.script).not.toContain('P_ar=');
    expect(byShell.parsed.complete && byAwk.parsed.complete).toBe(true);
    expect(parseBase(byAwk.parsed.sections)).toEqual(parseBase(byShell.parsed.sections));
    for (const id of ['base.osrelease', 'base.ifupdown', 'pf.machineid', 'pf.uuid', 'pf.swap', 'pf.pagesize']) {
      expect(byAwk.parsed.sections.get(id), id).toBe(byShell.parsed.sections.get(id));
    }
    const pf = (p: typeof byAwk) => { const { clock, clockError, varFreeKiB, ...rest } = parsePreflight(p.parsed.sections).facts; return rest; };
    expect(pf(byAwk)).toEqual(pf(byShell));
    expect(pf(byAwk).pageSize).toBe(Number(await sh('getconf PAGESIZE')));
    // Every fact kind with an awk reader: the same value (and rc) both ways.
    const withAwk = FACT_KINDS.filter((k) => k.awk).map((k) => k.name);
    expect(withAwk.length).toBeGreaterThan(0);
    const compared = [...byShell.parsed.tables.facts!].filter(([key]) => withAwk.some((n) => key.startsWith(n)));
    expect(compared.map(([key]) => key.split(/[^a-z-]/)[0]).sort()).toEqual(['pi-kernel', 'swap']);
    for (const [key, fact] of compared) expect(byAwk.parsed.tables.facts!.get(key), key).toEqual(fact);
    // The awk printed those facts' sections: the shell ran none of their scripts.
    expect(byAwk.probe.script).not.toContain('< /proc/cmdline');
    expect(byShell.probe.script).toContain('< /proc/cmdline');
  });
});

describe('factAwkProgram', () => {
  it('each fact kind\'s awk reader prints what its script prints on this machine', async () => {
    for (const kind of FACT_KINDS.filter((k) => k.awk)) {
      const byShell = await sh(kind.script(undefined as never));
      const awk = await execa('awk', ['-v', 'M=MK', factAwkProgram('k', 0, kind.awk!(undefined as never)), '/dev/null'], { reject: false, stripFinalNewline: false });
      expect(splitSections(awk.stdout, 'MK').get('k'), kind.name).toBe(byShell);
      expect(splitSections(awk.stdout, 'MK').get('k.rc'), kind.name).toBe('0\n');
    }
  });
});
