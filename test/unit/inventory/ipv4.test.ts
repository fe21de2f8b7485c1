// The one IPv4 helper module: the first host address of a network, CIDR covers, route destinations.
import { describe, expect, it } from 'vitest';
import { cidrInside, firstAddress, isIpAddress, normalizeDst, parseCidr, rangeToCidrs } from '../../../src/inventory/ipv4.js';

describe('firstAddress', () => {
  it.each([
    ['192.168.1.0/24', '192.168.1.1'],
    ['10.4.0.77/20', '10.4.0.1'],
    ['10.0.0.8/31', '10.0.0.8'],
    ['10.0.0.9/32', '10.0.0.9'],
    ['0.0.0.0/0', '0.0.0.1'],
    [' 172.16.5.0/23 ', '172.16.4.1'],
  ])('%s → %s', (cidr, first) => expect(firstAddress(cidr)).toBe(first));
  it.each(['10.0.0.0', '10.0.0.256/24', '10.0.0.0/33', 'fd00::/64', 'nodes'])('%s → undefined', (cidr) => expect(firstAddress(cidr)).toBeUndefined());
});

describe('the pieces agree with each other', () => {
  it('every CIDR of a range cover is canonical and inside the range', () => {
    const cidrs = rangeToCidrs({ first: '10.4.11.3', last: '10.4.12.130' });
    expect(cidrs).toEqual(['10.4.11.3/32', '10.4.11.4/30', '10.4.11.8/29', '10.4.11.16/28', '10.4.11.32/27', '10.4.11.64/26', '10.4.11.128/25', '10.4.12.0/25', '10.4.12.128/31', '10.4.12.130/32']);
    for (const c of cidrs) {
      expect(parseCidr(c)?.canonical).toBe(c);
      expect(normalizeDst(c)).toBe(c);
      expect(cidrInside(c, '10.4.8.0/21')).toBe(true);
    }
  });
  it('gateways may be IPv4 or IPv6, nothing else', () => {
    expect([isIpAddress('192.168.1.1'), isIpAddress('fe80::1'), isIpAddress('gw.local')]).toEqual([true, true, false]);
  });
});
