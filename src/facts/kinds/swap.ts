// Fact kind `swap`: the swap devices and files active now.
import type { FactKind } from '../../core/types.js';

/** /proc/swaps with shell builtins (no swapon process): its header line, then one line per active device or file. */
export const SWAP_SCRIPT = '{ IFS= read -r l; while read -r l r; do printf "%s\\n" "$l"; done; } < /proc/swaps';

/** SWAP_SCRIPT's read in the packages' awk (FactKind.awk): the first field of each line after the header. */
export const SWAP_AWK = [
  '  n = 0',
  '  while ((getline l < "/proc/swaps") > 0) if (n++) { split(l, a, " "); print a[1] }',
  '  close("/proc/swaps")',
].join('\n');

/** The kernel escapes a space, tab, newline or backslash in a name as three octal digits (\040). */
const unescape = (name: string) => name.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export const swap: FactKind<undefined, { active: string[] }> = {
  name: 'swap',
  about: 'active swap devices and files (/proc/swaps)',
  script: () => SWAP_SCRIPT,
  awk: () => SWAP_AWK,
  parse: (out) => ({ active: out.stdout.split('\n').map((s) => s.trim()).filter(Boolean).map(unescape) }),
  shown: () => undefined,
};
