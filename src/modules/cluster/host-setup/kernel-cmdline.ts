// Edits the one-line Raspberry Pi kernel command line (cmdline.txt): cgroup flags added, nothing else moved.

export const CGROUP_FLAGS = ['cgroup_enable=cpuset', 'cgroup_enable=memory', 'cgroup_memory=1'];
/** Flags that would cancel ours; removed when present. */
const CANCELLING = new Set(['cgroup_disable=memory', 'cgroup_disable=cpuset']);

/** Candidate files, in preference order: Bookworm and later boot from /boot/firmware. */
export const CMDLINE_PATHS = ['/boot/firmware/cmdline.txt', '/boot/cmdline.txt'];

/**
 * The file's new content and what changed. The kernel reads only the first line; everything after it
 * (there should be nothing) is kept as is. Tokens keep their order; missing flags are appended.
 */
export function withCgroupFlags(content: string): { content: string; added: string[]; removed: string[] } {
  const nl = content.indexOf('\n');
  const first = nl < 0 ? content : content.slice(0, nl);
  const rest = nl < 0 ? '' : content.slice(nl);
  const tokens = first.trim().split(/\s+/).filter(Boolean);
  const removed = tokens.filter((t) => CANCELLING.has(t));
  const kept = tokens.filter((t) => !CANCELLING.has(t));
  const added = CGROUP_FLAGS.filter((f) => !kept.includes(f));
  if (added.length === 0 && removed.length === 0) return { content, added, removed };
  return { content: [...kept, ...added].join(' ') + (rest || '\n'), added, removed };
}

/**
 * Bookworm keeps a stub /boot/cmdline.txt that only says the file moved; it is not a command line.
 * The real one is the first candidate that exists and looks like a kernel command line.
 */
export function looksLikeCmdline(content: string): boolean {
  const first = content.split('\n')[0] ?? '';
  return /\broot=/.test(first) || /\bconsole=/.test(first);
}
