// ssh_config resolution from data: inventory values over the config file (matched by name and address) over defaults.
import { describe, expect, it } from 'vitest';
import type { SshSettings } from '../../../src/inventory/types.js';
import { findSshConfigPath, parseProxyJump, parseSshConfigText, resolveSsh, type ResolvedSsh } from '../../../src/transport/ssh-config.js';

const CONFIG = `
Host k8s-cp-01
  HostName 10.9.9.1
  User admin
  Port 2201
  IdentityFile ~/.ssh/cp_key
  IdentityFile %d/.ssh/second_%h

Host 192.168.1.*
  ProxyJump bastion
  User fromaddr
  StrictHostKeyChecking yes

Host bastion
  HostName 203.0.113.5
  User jump
  Port 2022
  HashKnownHosts yes

Host direct-*
  ProxyJump none
  UserKnownHostsFile ~/.ssh/lab_known_hosts /tmp/other_known
  IdentityAgent none
  ConnectTimeout 3

Host chain
  ProxyJump a@hop1:2200,[fe80::1]:22,hop3

Host relpath
  IdentityFile relative_key
  IdentitiesOnly yes
  StrictHostKeyChecking accept-new

Match exec "touch /tmp/provision-pwned"
  StrictHostKeyChecking no

Match host m-*
  Port 2299

Host m-* !10.2.0.1
  User vetoed

Host pc
  ProxyCommand nc %h %p

Host *
  User everyone
  ServerAliveInterval 5
`;

const home = '/home/me';
const config = parseSshConfigText(CONFIG, '/home/me/.ssh/config');
const env = { SSH_AUTH_SOCK: '/tmp/agent.sock' };

const cases: { name: string; host: string; address?: string; explicit?: SshSettings; want: Partial<ResolvedSsh> }[] = [
  {
    name: 'config by host name: HostName, User, Port, IdentityFile with ~ and %d/%h',
    host: 'k8s-cp-01',
    address: '192.168.1.51',
    want: {
      hostname: '10.9.9.1',
      user: 'admin',
      port: 2201,
      identityFiles: ['/home/me/.ssh/cp_key', '/home/me/.ssh/second_10.9.9.1'],
      proxyJump: [{ host: 'bastion' }], // from the address block: both are matched
      hostKeyPolicy: 'strict',
      agent: '/tmp/agent.sock',
    },
  },
  {
    name: 'inventory values win over the config',
    host: 'k8s-cp-01',
    address: '192.168.1.51',
    explicit: { user: 'pi', port: 22, identityFile: '~/.ssh/inv_key', proxyJump: 'none', hostKeys: 'off' },
    want: { hostname: '10.9.9.1', user: 'pi', port: 22, proxyJump: [], hostKeyPolicy: 'off', identityFiles: ['/home/me/.ssh/inv_key', '/home/me/.ssh/cp_key', '/home/me/.ssh/second_10.9.9.1'] },
  },
  {
    name: 'matched by address only',
    host: 'k8s-worker-09',
    address: '192.168.1.59',
    want: { hostname: '192.168.1.59', user: 'fromaddr', port: 22, proxyJump: [{ host: 'bastion' }], hostKeyPolicy: 'strict' },
  },
  {
    name: 'defaults when nothing matches but Host *',
    host: 'elsewhere',
    address: '10.1.1.1',
    want: {
      hostname: '10.1.1.1',
      user: 'everyone',
      port: 22,
      proxyJump: [],
      hostKeyPolicy: 'accept-new',
      hashKnownHosts: false,
      identityFiles: ['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_rsa'],
      userKnownHostsFiles: ['/home/me/.ssh/known_hosts'],
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts'],
    },
  },
  {
    name: 'ProxyJump none, several UserKnownHostsFile, IdentityAgent none, ConnectTimeout',
    host: 'direct-1',
    address: '10.0.0.70',
    want: {
      proxyJump: [],
      userKnownHostsFiles: ['/home/me/.ssh/lab_known_hosts', '/tmp/other_known'],
      agent: undefined,
      connectTimeoutMs: 3000,
      user: 'everyone',
    },
  },
  {
    name: 'first value wins in file order: the address block before direct-* sets ProxyJump',
    host: 'direct-2',
    address: '192.168.1.70',
    want: { proxyJump: [{ host: 'bastion' }], user: 'fromaddr', connectTimeoutMs: 3000 },
  },
  {
    name: 'Match host applies; Match exec never runs; negated pattern vetoes',
    host: 'm-1',
    address: '10.2.0.1',
    want: { port: 2299, user: 'everyone', hostKeyPolicy: 'accept-new' },
  },
  {
    name: 'ProxyJump chain with users, ports and IPv6',
    host: 'chain',
    want: { proxyJump: [{ host: 'hop1', user: 'a', port: 2200 }, { host: 'fe80::1', port: 22 }, { host: 'hop3' }] },
  },
  {
    name: 'relative IdentityFile is under ~/.ssh; IdentitiesOnly; accept-new',
    host: 'relpath',
    want: { identityFiles: ['/home/me/.ssh/relative_key'], identitiesOnly: true, hostKeyPolicy: 'accept-new' },
  },
  {
    name: 'hop settings: HashKnownHosts',
    host: 'bastion',
    want: { hostname: '203.0.113.5', user: 'jump', port: 2022, hashKnownHosts: true },
  },
  {
    name: 'no config at all',
    host: 'plain',
    address: '10.0.0.5',
    want: { hostname: '10.0.0.5', user: 'localuser', port: 22, proxyJump: [], hostKeyPolicy: 'accept-new', agent: '/tmp/agent.sock' },
  },
];

describe('resolveSsh', () => {
  it.each(cases)('$name', (c) => {
    const r = resolveSsh({
      name: c.host,
      ...(c.address ? { address: c.address } : {}),
      ...(c.explicit ? { explicit: c.explicit } : {}),
      ...(c.name === 'no config at all' ? {} : { config }),
      env,
      home,
      localUser: 'localuser',
    });
    for (const [k, v] of Object.entries(c.want)) expect(r[k as keyof ResolvedSsh], k).toEqual(v);
  });

  it('refuses ProxyCommand with a clear message', () => {
    expect(() => resolveSsh({ name: 'pc', config, env, home })).toThrow(/ProxyCommand .* not supported; use ProxyJump/);
  });
});

describe('parseProxyJump', () => {
  it.each([
    ['none', []],
    ['h', [{ host: 'h' }]],
    ['u@h:1', [{ host: 'h', user: 'u', port: 1 }]],
    ['ssh://u@h:2', [{ host: 'h', user: 'u', port: 2 }]],
    ['[::1]:5,x', [{ host: '::1', port: 5 }, { host: 'x' }]],
  ])('%s', (input, want) => expect(parseProxyJump(input)).toEqual(want));
});

describe('findSshConfigPath', () => {
  it.each([
    [{ flag: '/f', env: { PROVISION_SSH_CONFIG: '/e' } }, '/f'],
    [{ env: { PROVISION_SSH_CONFIG: '/e' } }, '/e'],
    [{ env: {}, home: '/nonexistent-home' }, undefined],
  ])('%j → %s', (opts, want) => expect(findSshConfigPath(opts)).toBe(want));
});
