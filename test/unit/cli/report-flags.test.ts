// The report flags of run/up/join: --events and --json both own stdout, so asking for both is a usage error
// (before the inventory is read or anything connects).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { runPlaybookCommand, spec } from '../../../src/cli/run.js';
import { parseVerbArgs } from '../../../src/cli/args.js';

describe('report flags', () => {
  it('parses --events and --timestamps', () => {
    const { values } = parseVerbArgs(['pb.yaml', '-i', 'inv.yaml', '--events', '--timestamps'], spec);
    expect(values).toMatchObject({ inventory: 'inv.yaml', events: true, timestamps: true });
  });
  it('refuses --json with --events', async () => {
    const p = runPlaybookCommand({ playbook: 'pb.yaml', values: { inventory: '/nonexistent/inv.yaml', json: true, events: true } });
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(p).rejects.toThrow(/--json and --events both print to stdout/);
  });
});
