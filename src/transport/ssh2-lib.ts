// ssh2's Client and key parser, required directly: its index also loads the SSH server, SFTP helpers and HTTP
// agents (Node's http, https and tls), about 10 ms of every run's start-up for nothing provision uses.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

const require = createRequire(import.meta.url);

export const Client = require('ssh2/lib/client.js') as typeof Ssh2.Client;
export const parseKey = (require('ssh2/lib/protocol/keyParser.js') as { parseKey: typeof Ssh2.utils.parseKey }).parseKey;

interface AgentLike {
  getIdentities(cb: (err: Error | null, keys?: Ssh2.ParsedKey[]) => void): void;
  sign(pubKey: unknown, data: Buffer, options: unknown, cb: (err: Error | null, sig?: Buffer) => void): void;
}
/** ssh2's agent classes (a custom agent must extend its BaseAgent for ssh2 to accept it). */
export const agentLib = require('ssh2/lib/agent.js') as {
  BaseAgent: new () => AgentLike;
  OpenSSHAgent: new (socketPath: string) => AgentLike;
};
