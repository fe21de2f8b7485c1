// `provision ping`: its usage, and its lines (a hostile host's hostname cannot drive the terminal).
import { describe, expect, it } from 'vitest';
import { renderPing } from '../../../src/cli/ping.js';
import { paint } from '../../../src/report/color.js';
import { cli } from './capture.js';

describe('provision ping', () => {
  it('is listed, and needs an inventory', async () => {
    expect((await cli(['help'])).out).toMatch(/^ {2}ping {4} reach every host and become root there/m);
    const r = await cli(['ping']);
    expect(r.code).toBe(64);
    expect(r.err).toContain('ping needs an inventory: provision ping -i INVENTORY');
    expect((await cli(['ping', '-i', 'x.yaml', '--concurrency', '0'])).err).toContain('--concurrency must be a positive whole number');
  });

  it('prints one aligned line a host: how it became root, its hostname and time, or why it failed', () => {
    const out = renderPing([
      { host: 'bettley', ok: true, hostname: 'bettley', sudoUser: 'pi', ms: 41 },
      { host: 'fenn', ok: true, hostname: 'raspberrypi', ms: 38 },
      { host: 'velaryon', ok: false, error: 'velaryon: no SSH answer from pi@10.4.0.30:22 within 10 s', unreachable: true, ms: 10002 },
      { host: 'jast', ok: false, error: 'jast: sudo needs a password and none was given', unreachable: false, ms: 90 },
    ], paint(false));
    expect(out).toBe([
      'bettley   ok  root via sudo (login pi)  hostname bettley  41 ms',
      'fenn      ok  root login  hostname raspberrypi  38 ms',
      'velaryon  UNREACHABLE: velaryon: no SSH answer from pi@10.4.0.30:22 within 10 s',
      'jast      FAILED: jast: sudo needs a password and none was given',
      '',
    ].join('\n'));
  });

  it('escapes control characters a host sends back', () => {
    const out = renderPing([{ host: 'evil', ok: true, hostname: 'x\u001b[2Jy', sudoUser: 'pi\u0007', ms: 1 }], paint(false));
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(out).toContain('hostname x');
  });
});
