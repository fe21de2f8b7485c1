// The `dpkg-resume` module: a host whose dpkg was interrupted (a reboot or power cut mid-install) is resumed with
// `dpkg --configure -a`, and what it had only half unpacked is installed again, before anything installs: a re-run
// converges instead of apt refusing every package (or, for a half-installed one, saying it is done when it is not).
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

/**
 * After the resume: packages dpkg still holds half-installed or half-configured, or flagged reinstall-required (the
 * unpack was cut: some of their files are missing), installed again from their archives. `dpkg --configure -a`
 * skips them and `apt-get install NAME` leaves them as they are, exit 0 (seen in the lab: containerd cut mid-unpack
 * had no unit file, and enabling it failed). `${db:Status-Abbrev}`: want (install or hold: a package being removed
 * is not put back), state (H, F), error flag (R).
 */
export const REINSTALL_HALF_INSTALLED = [
  `b=$(dpkg-query -W -f '\${db:Status-Abbrev} \${binary:Package}\\n' | awk '$1 ~ /^[ih]([HF]|.R)/ { print $2 }')`,
  'if [ -n "$b" ]; then apt-get install --reinstall -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $b; fi',
].join('\n');

const dpkgResume: Module<DpkgResumeParams> = {
  name: 'dpkg-resume',
  schema,
  probe: () => [declareFact(dpkgJournal)],
  plan: (_p, ctx) => {
    if (!ctx.facts.fact(dpkgJournal, undefined).interrupted) return noop(ctx, 'dpkg is not in the middle of anything');
    return change(ctx, {
      action: 'update',
      summary: 'dpkg was interrupted (a reboot or power cut during an install): resume it (dpkg --configure -a) and install again what it left half-installed, or apt refuses every package',
      steps: [
        execStep(DPKG_RESUME, { env: { DEBIAN_FRONTEND: 'noninteractive' } }),
        execStep(['sh', '-c', REINSTALL_HALF_INSTALLED], { env: { DEBIAN_FRONTEND: 'noninteractive' } }),
      ],
    });
  },
};

export default dpkgResume;
