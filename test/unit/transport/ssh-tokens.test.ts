// OpenSSH's token, tilde and ${VAR} expansion for ssh_config values, and IdentityAgent / StrictHostKeyChecking readings.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { agentSocket, parseProxyJump, policyOf } from '../../../src/transport/ssh-settings.js';
import { expandEnv, expandPath, expandPercent, expandProxyCommand } from '../../../src/transport/ssh-tokens.js';

const t = { h: '10.4.0.11', n: 'k8s-cp-01', p: '2222', r: 'pi', u: 'me', d: '/home/me' };

describe('tokens', () => {
  it('expands %h %n %p %r %u %d %% and %k (HostKeyAlias, else the name), %l %L from the local host name', () => {
    expect(expandPercent('%r@%h:%p (%n) %u %d 100%% %k', t)).toBe('pi@10.4.0.11:2222 (k8s-cp-01) me /home/me 100% k8s-cp-01');
    expect(expandPercent('%k', { ...t, k: 'alias' })).toBe('alias');
    expect(expandPercent('%l/%L', t)).toBe(`${hostname()}/${hostname().split('.')[0]}`);
  });

  it('%C is the SHA-1 of %l%h%p%r%j, as OpenSSH 9 computes it', () => {
    const want = createHash('sha1').update(`${hostname()}10.4.0.112222pi`).digest('hex');
    expect(expandPercent('%C', t)).toBe(want);
  });

  it('an unknown token or a lone % at the end is an error, as in ssh', () => {
    expect(() => expandPercent('%z', t)).toThrow(/unknown token %z/);
    expect(() => expandPercent('abc%', t)).toThrow(/unknown token/);
  });

  it('ProxyCommand takes only %% %h %n %p %r', () => {
    expect(expandProxyCommand('ssh -W %h:%p -l %r bastion # %n 5%%', t)).toBe('ssh -W 10.4.0.11:2222 -l pi bastion # k8s-cp-01 5%');
    expect(() => expandProxyCommand('nc %d', t)).toThrow(/allowed: %% %h %n %p %r/);
  });

  it('paths: ~ then tokens then ${VAR}; an unset variable is an error', () => {
    expect(expandPath('~/.ssh/%r@%h', t, {})).toBe('/home/me/.ssh/pi@10.4.0.11');
    expect(expandPath('${XDG_RUNTIME_DIR}/agent', t, { XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/agent');
    expect(() => expandEnv('${NOPE}/x', {})).toThrow(/\$\{NOPE\}.*no value/);
  });
});

describe('IdentityAgent', () => {
  const env = { SSH_AUTH_SOCK: '/tmp/agent.sock', OTHER_SOCK: '/tmp/other.sock', XDG_RUNTIME_DIR: '/run/user/1000' };
  it.each([
    [undefined, '/tmp/agent.sock'],
    ['none', undefined],
    ['SSH_AUTH_SOCK', '/tmp/agent.sock'],
    ['$SSH_AUTH_SOCK', '/tmp/agent.sock'],
    ['$OTHER_SOCK', '/tmp/other.sock'],
    ['$UNSET_SOCK', undefined],
    ['${XDG_RUNTIME_DIR}/ssh-agent.socket', '/run/user/1000/ssh-agent.socket'],
    ['~/.1password/agent.sock', '/home/me/.1password/agent.sock'],
  ])('%s → %s', (value, want) => {
    expect(agentSocket(value, t, env)).toBe(want);
  });
  it('no SSH_AUTH_SOCK and no IdentityAgent: no agent', () => {
    expect(agentSocket(undefined, t, {})).toBeUndefined();
  });
});

describe('StrictHostKeyChecking → policy', () => {
  it.each([
    ['yes', 'strict'],
    ['true', 'strict'],
    ['accept-new', 'accept-new'],
    ['ask', 'accept-new'],
    [undefined, 'accept-new'],
    ['no', 'off'],
    ['off', 'off'],
    ['false', 'off'],
  ])('%s → %s', (v, want) => expect(policyOf(v)).toBe(want));
});

describe('ProxyJump', () => {
  it('parses user@host:port chains, [v6]:port, and none', () => {
    expect(parseProxyJump('a@hop1:2200,[fe80::1]:22,hop3')).toEqual([{ host: 'hop1', user: 'a', port: 2200 }, { host: 'fe80::1', port: 22 }, { host: 'hop3' }]);
    expect(parseProxyJump('none')).toEqual([]);
    expect(() => parseProxyJump('a@')).toThrow(/invalid ProxyJump hop/);
  });
});
