// The transport's public surface: what the engine and the CLI import.
export { createConnector, connect, targetOf, type SshConnector, type ConnectorOptions } from './ssh-connector.js';
export { readBecomePassword, BECOME_PASSWORD_ENV } from './become-password.js';
export { LocalSession, type LocalSessionOptions } from './local.js';
export { ConnectError, AuthError, HostKeyError, SudoError, ExecTimeoutError, TransportError } from './errors.js';
export type { HostKeyPolicy } from './known-hosts-store.js';
export { findSshConfigPath } from './ssh-config.js';
export { formatSshOptions, type SshOptions } from './ssh-g.js';
export type { ResolvedSsh } from './ssh-settings.js';
export { keeperSocketPath } from './keeper/keeper-client.js';
