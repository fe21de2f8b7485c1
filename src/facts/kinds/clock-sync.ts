// Fact kind `clock-sync`: whether systemd-timesyncd reports the clock synchronised, read from its own files.
import type { FactKind } from '../../core/types.js';

/**
 * systemd-timesyncd keeps /run/systemd/timesync (its RuntimeDirectory) while it runs and touches `synchronized` in it
 * once the clock is synchronised. Read with a builtin test: `timedatectl` would start a process and, over D-Bus,
 * systemd-timedated as well, on every run. Another daemon (chrony, ntpd) or none: not known here (preflight's
 * clock-skew rule measures the clock itself against this machine's).
 */
export const CLOCK_SYNC_SCRIPT = 'if [ -e /run/systemd/timesync/synchronized ]; then echo yes; elif [ -d /run/systemd/timesync ]; then echo no; fi';

/** synchronized: undefined when timesyncd is not running (another daemon, or none). */
export const clockSync: FactKind<undefined, { synchronized?: boolean }> = {
  name: 'clock-sync',
  about: "whether systemd-timesyncd has synchronised the clock (its /run/systemd/timesync/synchronized)",
  script: () => CLOCK_SYNC_SCRIPT,
  parse: (out) => {
    const v = out.stdout.trim();
    return v === 'yes' ? { synchronized: true } : v === 'no' ? { synchronized: false } : {};
  },
  shown: () => undefined,
};
