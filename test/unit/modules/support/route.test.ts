// Route helpers from data: normalising destinations, matching route facts, the ip argv.
import { describe, expect, it } from 'vitest';
import { dstProblem, normalizeDst } from '../../../../src/inventory/ipv4.js';
import { findRoute, routeArgv, type RouteFact, type RouteSpec } from '../../../../src/modules/support/route.js';

describe('normalizeDst / dstProblem', () => {
  it.each([
    ['10.4.11.0/24', '10.4.11.0/24', undefined],
    ['default', '0.0.0.0/0', undefined],
    ['10.0.0.5', '10.0.0.5/32', undefined],
    ['10.4.11.5/24', '10.4.11.5/24', /host bits set; the network is 10.4.11.0\/24/],
    ['fd00::/64', 'fd00::/64', undefined],
    ['nonsense', undefined, /not an IP network/],
    ['10.0.0.0/33', undefined, /not an IP network/],
  ] as Array<[string, string | undefined, RegExp | undefined]>)('%s', (dst, norm, problem) => {
    expect(normalizeDst(dst)).toBe(norm);
    const p = dstProblem(dst);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
});

const routes: RouteFact[] = [
  { dst: 'default', dev: 'eth0', gateway: '192.168.1.1' },
  { dst: '192.168.1.0/24', dev: 'eth0', protocol: 'kernel' },
  { dst: '10.4.11.0/24', dev: 'eth1' },
  { dst: '10.9.0.7', dev: 'eth0', gateway: '192.168.1.9' },
];

describe('findRoute', () => {
  it.each([
    [{ dst: '10.4.11.0/24', dev: 'eth1' }, '10.4.11.0/24'],
    [{ dst: '10.4.11.0/24' }, '10.4.11.0/24'],
    [{ dst: '10.4.11.0/24', dev: 'eth0' }, undefined],
    [{ dst: '0.0.0.0/0', via: '192.168.1.1' }, 'default'],
    [{ dst: 'default', via: '192.168.1.2' }, undefined],
    [{ dst: '10.9.0.7/32', via: '192.168.1.9', dev: 'eth0' }, '10.9.0.7'],
    [{ dst: '10.4.12.0/24' }, undefined],
  ] as Array<[RouteSpec, string | undefined]>)('%j → %s', (spec, dst) => expect(findRoute(routes, spec)?.dst).toBe(dst));
});

describe('routeArgv', () => {
  it.each([
    [{ dst: '10.4.11.0/24', dev: 'eth1' }, 'replace', ['ip', 'route', 'replace', '10.4.11.0/24', 'dev', 'eth1']],
    [{ dst: '10.4.11.0/24', via: '192.168.1.1', dev: 'eth0' }, 'replace', ['ip', 'route', 'replace', '10.4.11.0/24', 'via', '192.168.1.1', 'dev', 'eth0']],
    [{ dst: '10.4.11.0/24', via: '192.168.1.1' }, 'del', ['ip', 'route', 'del', '10.4.11.0/24', 'via', '192.168.1.1']],
    [{ dst: '10.4.11.0/24' }, 'del', ['ip', 'route', 'del', '10.4.11.0/24']],
  ] as Array<[RouteSpec, 'replace' | 'del', string[]]>)('%j %s', (spec, verb, argv) => expect(routeArgv(spec, verb)).toEqual(argv));
});
