// Finding the netplan ID that defines an interface: by name, set-name, match name glob, match MAC.
import { describe, expect, it } from 'vitest';
import { findNetplanId } from '../../../../../src/modules/cluster/host-setup/netplan-ids.js';
import { ETH0_NETPLAN, ID0_NETPLAN } from './netplan-cases.js';

describe('findNetplanId', () => {
  it.each([
    ['id0 with match + set-name', [ID0_NETPLAN], 'eth0', 'dc:a6:32:01:02:03', { section: 'ethernets', id: 'id0' }],
    ['the ID is the name', [ETH0_NETPLAN], 'eth0', undefined, { section: 'ethernets', id: 'eth0' }],
    ['match by name glob', ['network:\n  ethernets:\n    lan:\n      match: { name: "en*" }\n      dhcp4: true\n'], 'enp1s0', undefined, { section: 'ethernets', id: 'lan' }],
    ['match by another MAC does not apply', ['network:\n  ethernets:\n    lan:\n      match: { macaddress: "00:11:22:33:44:55" }\n'], 'eth0', 'dc:a6:32:01:02:03', { section: 'ethernets', id: 'eth0' }],
    ['wifi by set-name', ['network:\n  wifis:\n    home:\n      set-name: wlan0\n'], 'wlan0', undefined, { section: 'wifis', id: 'home' }],
    ['no netplan files: the interface name', [], 'eth0', undefined, { section: 'ethernets', id: 'eth0' }],
    ['broken YAML is skipped', ['network: [', ID0_NETPLAN], 'eth0', 'DC:A6:32:01:02:03', { section: 'ethernets', id: 'id0' }],
  ])('%s', (_n, files, iface, mac, want) => expect(findNetplanId(files as string[], iface as string, mac as string | undefined)).toEqual(want));
});
