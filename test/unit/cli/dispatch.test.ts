// Issue 19 item 9: help for every verb and sub-verb, did-you-mean, one exit-code table, --json errors, the version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagNames, type VerbSpec } from '../../../src/cli/args.js';
import { renderError } from '../../../src/cli/dispatch.js';
import { UsageError, UserError } from '../../../src/core/errors.js';
import { EXIT, EXIT_TABLE } from '../../../src/core/exit-codes.js';
import { exitCodeOf } from '../../../src/cli/run.js';
import { VERBS } from '../../../src/cli/verbs.js';
import { cli } from './capture.js';

const REPO = join(import.meta.dirname, '../../..');
const HOMELAB = join(REPO, 'inventory/homelab.yaml');

/** [argv words naming the verb, its spec] for every verb and lab sub-verb. */
async function allSpecs(): Promise<Array<[string[], VerbSpec]>> {
  const out: Array<[string[], VerbSpec]> = [];
  for (const verb of Object.keys(VERBS)) {
    const mod = (await import(`../../../src/cli/${verb}.ts`)) as { spec: VerbSpec; specs?: Record<string, VerbSpec> };
    out.push([[verb], mod.spec]);
    for (const [sub, spec] of Object.entries(mod.specs ?? {})) out.push([[verb, sub], spec]);
  }
  return out;
}

describe('help', () => {
  it('every verb and sub-verb prints its own usage for `help VERB [SUB]`, `VERB [SUB] --help` and -h, exit 0', async () => {
    const specs = await allSpecs();
    expect(specs.map(([w]) => w.join(' '))).toEqual(expect.arrayContaining(['lint', 'verify', 'lab', 'lab up', 'lab down', 'lab status', 'lab exec', 'lab ssh', 'lab reboot', 'lab run']));
    for (const [words, spec] of specs) {
      expect(spec.help, words.join(' ')).toMatch(new RegExp(`^usage: provision ${words.join(' ')}\\b`));
      for (const argv of [['help', ...words], [...words, '--help'], [...words, '-h']]) {
        const r = await cli(argv);
        expect(r, argv.join(' ')).toMatchObject({ code: 0, out: `${spec.help}\n`, err: '' });
      }
    }
    expect(await cli(['lab', 'help', 'up'])).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: provision lab up /) });
  });

  it('--help wins over a bad flag or a missing argument (lab up --help needs no -i and no root)', async () => {
    expect(await cli(['lab', 'up', '--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: provision lab up/) });
    expect(await cli(['up', '--bogus', '--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/^usage: provision up/) });
  });

  it("each help text names exactly the verb's real flags (verify documents --concurrency, not --limit-concurrency)", async () => {
    const specs = await allSpecs();
    for (const [words, spec] of specs) {
      const documented = new Set(spec.help.match(/(?<![\w-])--[a-z][a-z-]*/g) ?? []);
      // A group (lab) summarises its sub-verbs: its text may name their flags.
      const subs = specs.filter(([w]) => w.length > 1 && w[0] === words[0] && words.length === 1).map(([, s]) => s);
      const real = [...new Set([spec, ...subs].flatMap((s) => flagNames(s)).filter((f) => f.startsWith('--')))];
      if (subs.length) for (const f of documented) expect(real, `${words.join(' ')}: ${f}`).toContain(f);
      else expect([...documented].sort(), words.join(' ')).toEqual(real.sort());
    }
  });

  it('`provision help` lists every verb and the exit-code table; bare `provision` is a usage error', async () => {
    const r = await cli(['help']);
    expect(r.code).toBe(0);
    for (const v of Object.keys(VERBS)) expect(r.out).toContain(`  ${v}`);
    for (const [code] of EXIT_TABLE) expect(r.out).toMatch(new RegExp(`\\n  ${code}\\s`));
    expect(await cli([])).toMatchObject({ code: EXIT.usage, out: '' });
  });
});

describe('did you mean', () => {
  it.each([
    [['lnit'], /unknown command 'lnit'[\s\S]*did you mean 'lint'/],
    [['help', 'verfy'], /unknown command 'verfy'[\s\S]*did you mean 'verify'/],
    [['lint', '--jsno', '-i', HOMELAB], /unknown option '--jsno'[\s\S]*did you mean '--json'/],
    [['verify', '--limit-concurrency', '4', '-i', HOMELAB], /unknown option '--limit-concurrency'[\s\S]*did you mean '--concurrency'/],
    [['up', '--max-fails', '2'], /unknown option '--max-fails'[\s\S]*did you mean '--max-fail'/],
    [['lab', 'upp'], /unknown lab verb 'upp'[\s\S]*did you mean 'lab up'/],
    [['lab', 'reboot', '--no-wiat', 'x'], /unknown option '--no-wiat'[\s\S]*did you mean '--no-wait'/],
  ])('%j', async (argv, msg) => {
    const r = await cli(argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(msg);
    expect(r.out).toBe('');
  });
});

describe('exit codes', () => {
  it('usage errors (64) are distinct from --check changes pending (2), failures (1) and interrupts (130)', () => {
    expect(new Set([EXIT.ok, EXIT.failure, EXIT.changes, EXIT.usage, EXIT.internal, EXIT.interrupted]).size).toBe(6);
    expect(new UsageError('x').exitCode).toBe(64);
    const report = (p: object): Parameters<typeof exitCodeOf>[0] => ({ playbook: 't', hosts: {}, changed: 0, failed: 0, check: true, ...p });
    expect(exitCodeOf(report({ changed: 3 }), false)).toBe(2);
    expect(exitCodeOf(report({ failed: 1 }), false)).toBe(1);
    expect(exitCodeOf(report({ aborted: 'max-fail' }), false)).toBe(1);
    expect(exitCodeOf(report({}), true)).toBe(130);
  });

  it.each([
    ['a bad numeric flag', ['up', '-i', HOMELAB, '--max-fail', '-1'], /--max-fail must be a positive whole number \(got '-1'\)/],
    ['a non-number', ['run', 'x.yaml', '-i', HOMELAB, '--concurrency', 'lots'], /--concurrency must be a positive whole number \(got 'lots'\)/],
    ['a bad timeout', ['facts', '-i', HOMELAB, '--connect-timeout', '-5'], /--connect-timeout must be a number of seconds, 0.1-3600 \(got '-5'\)/],
    ['verify concurrency 0', ['verify', '-i', HOMELAB, '--concurrency', '0'], /--concurrency must be a positive whole number/],
    ['a flag without its value', ['lint', '-i'], /lint: --inventory needs a value/],
    ['an unknown selector', ['facts', '-i', HOMELAB, '--limit', 'nosuch'], /--limit: unknown host or role 'nosuch'/],
    ['a selector matching nothing', ['facts', '-i', HOMELAB, '--limit', 'worker,!worker'], /--limit 'worker,!worker' matches no host/],
    ['a selector matching nothing (run)', ['run', 'x.yaml', '-i', HOMELAB, '--limit', 'all,!all'], /matches no host/],
    ['no verb', ['lab'], /usage: provision lab/],
  ])('%s is a usage error (64) with our own message', async (_, argv, msg) => {
    const r = await cli(argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(msg);
    expect(r.err).not.toMatch(/ERR_PARSE_ARGS|ambiguous|\n\s+at /);
  });
});

describe('--json errors', () => {
  it.each([
    ['run', ['run', 'nosuch.yaml', '-i', join(REPO, 'nosuch-inventory.yaml'), '--json'], 'error', 1],
    ['up', ['up', '-i', join(REPO, 'nosuch-inventory.yaml'), '--json'], 'error', 1],
    ['facts', ['facts', '--json', '-i', HOMELAB, '--limit', 'nosuch'], 'usage', 64],
    ['verify', ['verify', '--json'], 'usage', 64],
    ['join', ['join', 'worker', '--json', '-i', HOMELAB, '--max-fail', 'x'], 'usage', 64],
  ])('%s --json prints {"error":{...}} on stdout and nothing on stderr', async (_, argv, kind, exitCode) => {
    const r = await cli(argv);
    expect(r.code).toBe(exitCode);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out) as { error: { message: string; code: string; exitCode: number } };
    expect(doc.error).toMatchObject({ code: kind, exitCode });
    expect(doc.error.message.length).toBeGreaterThan(0);
  });

  it('an inventory error carries its findings', () => {
    const out = renderError(new UserError('boom', 1, 'fix it'), true);
    expect(JSON.parse(out.stdout!)).toEqual({ error: { message: 'boom', code: 'error', exitCode: 1, hint: 'fix it' } });
    expect(renderError(new Error('bug'), true).code).toBe(EXIT.internal);
  });
});

describe('version', () => {
  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: `provision ${version}\n` });
  });
});
