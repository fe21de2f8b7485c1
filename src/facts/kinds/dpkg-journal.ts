// Fact kind `dpkg-journal`: whether dpkg was interrupted (a reboot or power cut mid-install left its journal behind).
import type { FactKind } from '../../core/types.js';
import { DPKG_ADMIN_DIR, journalEntries } from '../probe-packages.js';

/**
 * dpkg journals each status change in updates/ until it is merged back into status: entries left there mean a run
 * was cut short, and apt then refuses every install ("dpkg was interrupted, you must manually run 'dpkg --configure
 * -a'"). A glob in the probe's shell, no process. `adminDir`: tests.
 */
export const dpkgJournal: FactKind<{ adminDir?: string } | undefined, { interrupted: boolean }> = {
  name: 'dpkg-journal',
  about: 'whether dpkg was interrupted: entries left in /var/lib/dpkg/updates (a shell glob)',
  script: (a) => `${journalEntries(a?.adminDir ?? DPKG_ADMIN_DIR)}; [ -e "$1" ] && echo interrupted; set --`,
  parse: (out) => ({ interrupted: /^interrupted$/m.test(out.stdout) }),
  shown: () => undefined,
};
