// ssh2's Client and key parser, required directly: its index also loads the SSH server, SFTP helpers and HTTP
// agents (Node's http, https and tls), about 10 ms of every run's start-up for nothing provision uses.
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

const require = createRequire(import.meta.url);

export const Client = require('ssh2/lib/client.js') as typeof Ssh2.Client;
export const parseKey = (require('ssh2/lib/protocol/keyParser.js') as { parseKey: typeof Ssh2.utils.parseKey }).parseKey;
