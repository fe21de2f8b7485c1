// Netplan files as hosts really have them, for the metallb-route cases and the real `netplan generate` test.

/** cloud-init / Ubuntu server style: the ID is not the interface name; match by MAC, renamed to eth0, DHCP. */
export const ID0_NETPLAN = [
  'network:',
  '  version: 2',
  '  ethernets:',
  '    id0:',
  '      match:',
  '        macaddress: "dc:a6:32:01:02:03"',
  '      set-name: eth0',
  '      dhcp4: true',
  '',
].join('\n');

/** Raspberry Pi OS / plain Debian style: the ID is the interface name. */
export const ETH0_NETPLAN = ['network:', '  version: 2', '  ethernets:', '    eth0:', '      dhcp4: true', ''].join('\n');
