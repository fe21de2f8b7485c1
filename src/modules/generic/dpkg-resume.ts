// The `dpkg-resume` module: a host whose dpkg was interrupted (a reboot or power cut mid-install) is resumed with
// `dpkg --configure -a` before anything installs, so a re-run converges instead of apt refusing every package.
import { z } from 'zod';
import type { Module } from '../../core/types.js';
import { change, noop } from '../support/change.js';
import { execStep } from '../support/command.js';
import { declareFact } from '../../facts/declare.js';
import { dpkgJournal } from '../../facts/kinds/dpkg-journal.js';

const schema = z.strictObject({});
export type DpkgResumeParams = z.output<typeof schema>;

/** Keeps the installed configuration files (no prompt can be answered: no terminal), as apt's --force-confold does. */
export const DPKG_RESUME = ['dpkg', '--configure', '-a', '--force-confdef', '--force-confold'];

const dpkgResume: Module<DpkgResumeParams> = {
  name: 'dpkg-resume',
  schema,
  probe: () => [declareFact(dpkgJournal)],
  plan: (_p, ctx) => {
    if (!ctx.facts.fact(dpkgJournal, undefined).interrupted) return noop(ctx, 'dpkg is not in the middle of anything');
    return change(ctx, {
      action: 'update',
      summary: 'dpkg was interrupted (a reboot or power cut during an install): resume it (dpkg --configure -a), or apt refuses every package',
      steps: [execStep(DPKG_RESUME, { env: { DEBIAN_FRONTEND: 'noninteractive' } })],
    });
  },
};

export default dpkgResume;
