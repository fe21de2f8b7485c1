// `provision lint` as a verb: exit codes, text and --json output, usage errors (stdout captured, no build needed).
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/lint.js';
import { UsageError } from '../../../src/core/errors.js';

const REPO = join(import.meta.dirname, '../../..');
const inv = (name: string) => join(REPO, 'inventory', name);

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await run(argv), out };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('provision lint', () => {
  it.each([
    { argv: ['-i', inv('homelab.yaml')], code: 0, out: /0 errors, 0 warnings/ },
    { argv: ['-i', inv('flat-bgp.yaml')], code: 0, out: /warning bgp-ibgp: .*\n  hint: / },
    { argv: ['-i', inv('goldentooth.yaml')], code: 1, out: /goldentooth\.yaml:\d+:\d+: error metallb-unrouted: / },
    { argv: ['--print-schema'], code: 0, out: /"\$schema": "https:\/\/json-schema.org/ },
  ])('$argv', async ({ argv, code, out }) => {
    const r = await capture(argv);
    expect(r.code).toBe(code);
    expect(r.out).toMatch(out);
  });

  it('--json prints the findings document', async () => {
    const r = await capture(['-i', inv('goldentooth.yaml'), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { findings: Record<string, unknown>[] };
    expect(doc.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['metallb-unrouted', 'asn-reserved']));
    for (const f of doc.findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['level', 'code', 'message', 'file', 'line', 'col']));
  });

  it('goldentooth: the AS numbers only warn, the MetalLB routing flaw stays the one error', async () => {
    const r = await capture(['-i', inv('goldentooth.yaml'), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { findings: Array<{ level: string; code: string }> };
    expect(doc.findings.filter((f) => f.level === 'error').map((f) => f.code)).toEqual(['metallb-unrouted']);
    expect(doc.findings.filter((f) => f.code === 'asn-reserved').map((f) => f.level)).toEqual(['warning', 'warning']);
  });

  it.each([[[]], [['-i']], [['--bogus']], [['-i', 'a.yaml', 'extra']]])('usage error %j', async (argv) => {
    await expect(capture(argv)).rejects.toBeInstanceOf(UsageError);
  });
});
