// Fact kind `net-links`: the network interfaces the host has (/sys/class/net, shell builtins only).
import type { FactKind } from '../../core/types.js';

/** names: undefined when /sys/class/net could not be read (no evidence either way). */
export const netLinks: FactKind<undefined, { names?: string[] }> = {
  name: 'net-links',
  about: 'network interface names (/sys/class/net)',
  script: () => 'for f in /sys/class/net/*; do [ -e "$f" ] && echo "${f##*/}"; done; [ -d /sys/class/net ]',
  parse: (out) => (out.code === 0 ? { names: out.stdout.split(/\s+/).filter(Boolean) } : {}),
  shown: () => undefined,
};
