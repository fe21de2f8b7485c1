// Fact kind `clock-sync`: whether systemd reports the clock synchronised (timedatectl), when it can tell.
import type { FactKind } from '../../core/types.js';

/** synchronized: undefined when timedated is absent or did not answer yes/no. */
export const clockSync: FactKind<undefined, { synchronized?: boolean }> = {
  name: 'clock-sync',
  about: 'NTPSynchronized as timedatectl reports it',
  script: () => 'timedatectl show -p NTPSynchronized --value 2>/dev/null',
  parse: (out) => {
    const v = out.stdout.trim();
    return v === 'yes' ? { synchronized: true } : v === 'no' ? { synchronized: false } : {};
  },
  shown: () => undefined,
};
