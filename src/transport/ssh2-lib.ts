// ssh2's Client and key parser, imported from their own files: its index also loads the SSH server, SFTP helpers and
// HTTP agents (Node's http, https and tls), about 10 ms of every run's start-up for nothing provision uses. Static
// imports, so the CLI's bundle holds them (compiled from its code cache) and only ssh2's native binding is loaded
// from node_modules (scripts/post-build.mjs).
import type * as Ssh2 from 'ssh2';
import clientModule from 'ssh2/lib/client.js';
import keyParserModule from 'ssh2/lib/protocol/keyParser.js';
import agentModule from 'ssh2/lib/agent.js';

export const Client = clientModule as typeof Ssh2.Client;
export const parseKey = (keyParserModule as { parseKey: typeof Ssh2.utils.parseKey }).parseKey;

interface AgentLike {
  getIdentities(cb: (err: Error | null, keys?: Ssh2.ParsedKey[]) => void): void;
  sign(pubKey: unknown, data: Buffer, options: unknown, cb: (err: Error | null, sig?: Buffer) => void): void;
}
/** ssh2's agent classes (a custom agent must extend its BaseAgent for ssh2 to accept it). */
export const agentLib = agentModule as {
  BaseAgent: new () => AgentLike;
  OpenSSHAgent: new (socketPath: string) => AgentLike;
};
