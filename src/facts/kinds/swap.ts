// Fact kind `swap`: the swap devices and files active now.
import type { FactKind } from '../../core/types.js';

export const swap: FactKind<undefined, { active: string[] }> = {
  name: 'swap',
  about: 'active swap devices and files (swapon --show, else /proc/swaps)',
  script: () => 'swapon --show=NAME --noheadings 2>/dev/null || cat /proc/swaps 2>/dev/null | tail -n +2 | cut -d" " -f1',
  parse: (out) => ({ active: out.stdout.split('\n').map((s) => s.trim()).filter(Boolean) }),
  shown: () => undefined,
};
