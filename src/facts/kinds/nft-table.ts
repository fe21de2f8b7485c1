// Fact kind `nft-table`: one nftables table as the kernel has it now (`nft list table`), or absent.
import { quote } from '../../core/command.js';
import type { FactKind } from '../../core/types.js';

export const nftTable: FactKind<{ family: string; table: string }, { ruleset?: string }> = {
  name: 'nft-table',
  about: 'one nftables table live in the kernel (nft list table)',
  // Taken into a variable and printed once: nft writes its listing a few bytes at a time (129 writes for a small
  // table), each of which sshd would carry as a packet of its own. Same process count: $(...) runs nft in the fork.
  script: (a) => `nft_table=$(nft list table ${quote(a.family)} ${quote(a.table)} 2>/dev/null) && printf '%s\\n' "$nft_table"`,
  parse: (out) => (out.code === 0 && out.stdout.trim() !== '' ? { ruleset: out.stdout } : {}),
  shown: () => ({ family: 'inet', table: 'provision' }),
};
