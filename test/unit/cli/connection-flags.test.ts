// The SSH flags every verb shares: --persist takes seconds (1 to a day), and a bad value is a usage error naming it.
import { describe, expect, it } from 'vitest';
import { checkConnectionFlags, CONNECTION_HELP, CONNECTION_USAGE } from '../../../src/cli/connection-flags.js';
import { UsageError } from '../../../src/core/errors.js';

describe('connection flags', () => {
  it('reads --persist as seconds and refuses what is not', () => {
    expect(checkConnectionFlags({ persist: '60' })).toEqual({ persist: 60 });
    expect(checkConnectionFlags({})).toEqual({});
    expect(checkConnectionFlags({ persist: '0' })).toEqual({ persist: 0 }); // never, whatever the ssh config says
    for (const bad of ['-5', 'x', '', '86401']) {
      expect(() => checkConnectionFlags({ persist: bad })).toThrow(UsageError);
      expect(() => checkConnectionFlags({ persist: bad })).toThrow(/--persist must be a number of seconds, 0-86400/);
    }
  });

  it('names --persist in the usage line and the help', () => {
    expect(CONNECTION_USAGE).toContain('[--persist SECONDS]');
    expect(CONNECTION_HELP).toMatch(/--persist SECONDS {2}keep this run's SSH connections open/);
  });
});
