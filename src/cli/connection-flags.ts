// The SSH flags every verb that reaches hosts shares (run, up, join, facts, verify), and the connector built from them.
import { createConnector, keeperSocketPath, readBecomePassword, type SshConnector, type HostKeyPolicy } from '../transport/index.js';
import { UsageError } from '../core/errors.js';
import { numberIn } from './numeric-flags.js';

export const CONNECTION_FLAGS = {
  'connect-timeout': { type: 'string' },
  'ssh-config': { type: 'string' },
  'host-keys': { type: 'string' },
  'ask-become-pass': { type: 'boolean', short: 'K' },
  persist: { type: 'string' },
} as const;

export interface ConnectionFlagValues {
  'connect-timeout'?: string;
  'ssh-config'?: string;
  'host-keys'?: string;
  'ask-become-pass'?: boolean;
  persist?: string;
}

export const CONNECTION_USAGE = '[--connect-timeout SECONDS] [--ssh-config PATH] [--host-keys strict|accept-new|off] [--ask-become-pass] [--persist SECONDS]';

/** The help lines for CONNECTION_FLAGS (one place, so every verb's help names the real flags). */
export const CONNECTION_HELP = [
  '  --connect-timeout SECONDS  a host that does not complete the SSH handshake within this time, retries',
  '                     included, fails as unreachable (default: ssh config ConnectTimeout, else 10)',
  '  --ssh-config PATH  the OpenSSH client config to read (default ~/.ssh/config)',
  '  --host-keys strict|accept-new|off  how unknown host keys are treated (default: the inventory\'s ssh.hostKeys)',
  '  -K, --ask-become-pass  ask for the sudo password (or set PROVISION_BECOME_PASSWORD)',
  '  --persist SECONDS  keep this run\'s SSH connections open that long after it (OpenSSH\'s ControlPersist): a run',
  '                     within that time execs on them instead of logging in again (not through a ProxyJump or',
  '                     ProxyCommand, nor with a sudo password; a run still makes its changes on a connection of its own).',
  '                     Default: as your ssh config\'s ControlMaster and ControlPersist say for each host; 0: never',
].join('\n');

export function seconds(flag: string, v: string | undefined): number | undefined {
  return numberIn(flag, v, 0.1, 3600, 'seconds');
}

/** Validates the flags (usage errors before anything else happens). */
export function checkConnectionFlags(v: ConnectionFlagValues): { policy?: HostKeyPolicy; connectTimeout?: number; persist?: number } {
  const policy = v['host-keys'];
  if (policy !== undefined && !['strict', 'accept-new', 'off'].includes(policy)) throw new UsageError(`--host-keys must be strict, accept-new or off (got '${policy}')`);
  const connectTimeout = seconds('--connect-timeout', v['connect-timeout']);
  const persist = numberIn('--persist', v.persist, 0, 86_400, 'seconds');
  return { ...(policy ? { policy: policy as HostKeyPolicy } : {}), ...(connectTimeout ? { connectTimeout } : {}), ...(persist !== undefined ? { persist } : {}) };
}

/** One connector for the run; asks for the become password first when --ask-become-pass says so. */
export async function connectorFromFlags(v: ConnectionFlagValues): Promise<SshConnector> {
  const { policy, connectTimeout, persist } = checkConnectionFlags(v);
  const becomePassword = await readBecomePassword({ ask: !!v['ask-become-pass'] });
  // --persist N: every host; --persist 0: none; neither: the hosts whose ssh config says ControlMaster + ControlPersist.
  const socketPath = persist ? keeperSocketPath() : undefined;
  return createConnector({
    ...(v['ssh-config'] ? { sshConfigPath: v['ssh-config'] } : {}),
    ...(policy ? { hostKeyPolicy: policy } : {}),
    ...(becomePassword ? { becomePassword } : {}),
    ...(connectTimeout ? { connectTimeoutMs: connectTimeout * 1000 } : {}),
    ...(persist && socketPath ? { keeper: { socketPath, idleMs: persist * 1000 } } : {}),
    ...(persist === undefined ? { keeperBySshConfig: { socketPath: () => keeperSocketPath() } } : {}),
  });
}
