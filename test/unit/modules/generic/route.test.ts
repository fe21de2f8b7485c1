// The route module from data: BaseFacts.routes → add, fix or delete with ip route.
import mod from '../../../../src/modules/generic/route.js';
import { runModuleCases } from '../harness.js';

const routes = [
  { dst: 'default', dev: 'eth0', gateway: '192.168.1.1' },
  { dst: '192.168.1.0/24', dev: 'eth0', protocol: 'kernel' },
  { dst: '10.4.11.0/24', dev: 'eth1' },
];
const facts = { base: { routes } };
const ip = (...argv: string[]) => ({ kind: 'exec', command: { argv: ['ip', 'route', ...argv], sudo: true } });

runModuleCases(mod, [
  { name: 'adds a missing route', params: { dst: '10.4.12.0/24', dev: 'eth0' }, facts, expect: { action: 'create', summary: 'add route 10.4.12.0/24 dev eth0', steps: [ip('replace', '10.4.12.0/24', 'dev', 'eth0')], probe: [] } },
  { name: 'present: noop', params: { dst: '10.4.11.0/24', dev: 'eth1' }, facts, expect: { action: 'noop', summary: 'route 10.4.11.0/24 dev eth1 present' } },
  { name: 'wrong device: replace, saying what it was', params: { dst: '10.4.11.0/24', dev: 'eth0' }, facts, expect: { action: 'update', summary: 'route 10.4.11.0/24 dev eth0 (was route 10.4.11.0/24 dev eth1)', steps: [ip('replace', '10.4.11.0/24', 'dev', 'eth0')] } },
  { name: 'via and dev', params: { dst: '10.8.0.0/16', via: '192.168.1.9', dev: 'eth0' }, facts, expect: { action: 'create', steps: [ip('replace', '10.8.0.0/16', 'via', '192.168.1.9', 'dev', 'eth0')] } },
  { name: 'default route by via', params: { dst: 'default', via: '192.168.1.1' }, facts, expect: { action: 'noop', summary: 'route default via 192.168.1.1 present' } },
  { name: 'default route, other gateway', params: { dst: '0.0.0.0/0', via: '192.168.1.2' }, facts, expect: { action: 'update', steps: [ip('replace', '0.0.0.0/0', 'via', '192.168.1.2')] } },
  { name: 'host route listed without /32', params: { dst: '10.9.0.7/32', dev: 'eth0' }, facts: { base: { routes: [{ dst: '10.9.0.7', dev: 'eth0' }] } }, expect: { action: 'noop' } },
  { name: 'absent deletes', params: { dst: '10.4.11.0/24', state: 'absent' }, facts, expect: { action: 'delete', summary: 'delete route 10.4.11.0/24 dev eth1', steps: [ip('del', '10.4.11.0/24')] } },
  { name: 'absent with dev only deletes that route', params: { dst: '10.4.11.0/24', dev: 'eth9', state: 'absent' }, facts, expect: { action: 'noop', summary: 'no route 10.4.11.0/24 dev eth9' } },
  { name: 'absent: noop when missing', params: { dst: '10.4.99.0/24', state: 'absent' }, facts, expect: { action: 'noop' } },
  { name: 'no routes at all', params: { dst: '10.4.12.0/24', dev: 'eth0' }, expect: { action: 'create' } },
  { name: 'schema: host bits set', params: { dst: '10.4.11.5/24', dev: 'eth0' }, expect: { error: /host bits set; the network is 10.4.11.0\/24/ } },
  { name: 'schema: not a CIDR', params: { dst: 'lan', dev: 'eth0' }, expect: { error: /not an IP network/ } },
  { name: 'schema: neither dev nor via', params: { dst: '10.4.12.0/24' }, expect: { error: /give dev, via, or both/ } },
  { name: 'schema: bad gateway', params: { dst: '10.4.12.0/24', via: 'gw; reboot' }, expect: { error: /IP address/ } },
  { name: 'schema: bad device', params: { dst: '10.4.12.0/24', dev: 'eth0 table 5' }, expect: { error: /interface name/ } },
  { name: 'schema: option-looking device', params: { dst: '10.4.12.0/24', dev: '-6' }, expect: { error: /interface name/ } },
  { name: 'schema: unknown param', params: { dst: '10.4.12.0/24', dev: 'eth0', metric: 5 }, expect: { error: /metric/ } },
]);
