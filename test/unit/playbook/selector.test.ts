// The host selector grammar as a table: selector text → selected host names (inventory order) or an error.
import { describe, expect, it } from 'vitest';
import { selectHosts } from '../../../src/playbook/selector.js';
import { fakeInventory } from '../../support/fake-inventory.js';
import type { Host } from '../../../src/inventory/types.js';

const h = (name: string, role: Host['role']): Host => ({ name, role, address: '192.168.1.10' });
const inv = fakeInventory({
  hosts: [h('lb1', 'lb'), h('cp1', 'control-plane'), h('cp2', 'control-plane'), h('cp3', 'control-plane'), h('w1', 'worker'), h('w2', 'worker')],
});

const cases: Array<[string, string[] | RegExp]> = [
  ['all', ['lb1', 'cp1', 'cp2', 'cp3', 'w1', 'w2']],
  ['control-plane', ['cp1', 'cp2', 'cp3']],
  ['worker', ['w1', 'w2']],
  ['w2, lb', ['lb1', 'w2']],
  ['control-plane[0]', ['cp1']],
  ['control-plane[-1]', ['cp3']],
  ['control-plane[1:]', ['cp2', 'cp3']],
  ['control-plane[:2]', ['cp1', 'cp2']],
  ['control-plane[5]', []],
  ['all,!worker', ['lb1', 'cp1', 'cp2', 'cp3']],
  ['!lb', ['cp1', 'cp2', 'cp3', 'w1', 'w2']],
  ['!control-plane[0], control-plane', ['cp2', 'cp3']],
  ['all,&control-plane', ['cp1', 'cp2', 'cp3']],
  ['control-plane,worker,&cp2,w1', ['cp2']],
  ['cp1,cp1', ['cp1']],
  ['nope', /unknown host or role 'nope'/],
  ['worker,', /empty term/],
  ['Worker', /invalid host selector term/],
  ['cp1;rm', /invalid host selector term/],
  ['cp[1', /invalid host selector term/],
];

describe('selectHosts', () => {
  it.each(cases)('%j', (text, want) => {
    if (want instanceof RegExp) expect(() => selectHosts(text, inv)).toThrow(want);
    else expect(selectHosts(text, inv).map((x) => x.name)).toEqual(want);
  });
});
