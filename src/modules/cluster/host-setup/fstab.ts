// Turns swap off for good in /etc/fstab: swap entries commented out, every other line byte-identical.

export const FSTAB = '/etc/fstab';
export const SWAP_COMMENT = '# provision (k8s-prereqs): swap disabled for kubelet: ';

/** True for an active fstab entry whose type (third field) is swap. */
function isSwapLine(line: string): boolean {
  const t = line.trim();
  if (!t || t.startsWith('#')) return false;
  return t.split(/\s+/)[2] === 'swap';
}

export function commentSwapLines(content: string): { content: string; commented: string[] } {
  const commented: string[] = [];
  const out = content.split('\n').map((line) => {
    if (!isSwapLine(line)) return line;
    commented.push(line.trim());
    return SWAP_COMMENT + line;
  });
  return { content: out.join('\n'), commented };
}
