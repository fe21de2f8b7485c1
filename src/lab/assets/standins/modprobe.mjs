// Lab stand-in for modprobe/lsmod/rmmod: kernel modules are a per-host record, never loaded into the machine's kernel,
// shown as the host's own /sys/module (lib/module-record.mjs).
import { readModules as read, saveModules as save } from './lib/module-record.mjs';

const prog = process.env.LAB_PROG ?? 'modprobe';
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-')).map((n) => n.replace(/-/g, '_'));
const KNOWN = /^(br_netfilter|overlay|ip_vs\w*|nf_conntrack\w*|ip_tables|iptable_\w+|nf_tables|vxlan|xt_\w+|ipip|wireguard|dummy|bridge|veth|tun|rbd|nbd|ceph|[a-z0-9_]+)$/;
if (prog === 'lsmod') {
  process.stdout.write('Module                  Size  Used by\n' + read().map((m) => `${m.padEnd(24)}32768  0\n`).join(''));
} else if (prog === 'rmmod' || args.includes('-r') || args.includes('--remove')) {
  save(read().filter((m) => !names.includes(m)));
} else {
  const target = args.includes('-a') || args.includes('--all') ? names : names.slice(0, 1);
  for (const n of target) if (!KNOWN.test(n)) { process.stderr.write(`modprobe: FATAL: Module ${n} not found in directory /lib/modules/lab\n`); process.exit(1); }
  if (!args.includes('-n') && !args.includes('--dry-run')) save([...new Set([...read(), ...target])]);
}
