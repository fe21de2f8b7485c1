// The shell script of an atomic file write: temp file in the same directory, verify, validate, fsync, rename.
import { createHash } from 'node:crypto';
import { quote } from '../core/command.js';

export interface WriteScriptOptions {
  path: string;
  /** The exact bytes that will arrive on stdin (their sha256 is checked before anything goes live). */
  content: Buffer;
  mode?: number;
  owner?: string;
  group?: string;
  validate?: string[];
  backup?: boolean;
}

/** Temp files are `.<name>.provision-XXXXXX` next to the target; leftovers of killed runs are removed. */
export const TEMP_INFIX = '.provision-';
/** Exit codes the script uses for its own failures (the runner turns them into messages). */
export const WRITE_EXIT = { truncated: 90, validate: 91 } as const;

/** One argv with every '%s' replaced by the temp path, for the shell. */
function validateCommand(argv: string[]): string {
  return argv.map((arg) => arg.split('%s').map((part) => (part === '' ? '' : quote(part))).join('"$t"') || "''").join(' ');
}

export function writeScript(o: WriteScriptOptions): string {
  if (!o.path.startsWith('/') || o.path.includes('\0')) throw new Error(`write: path must be absolute: ${JSON.stringify(o.path)}`);
  const sha = createHash('sha256').update(o.content).digest('hex');
  const mode = o.mode === undefined ? undefined : (o.mode & 0o7777).toString(8).padStart(4, '0');
  const lines = [
    'set -e',
    `p=${quote(o.path)}; d=$(dirname "$p"); b=$(basename "$p")`,
    'mkdir -p "$d"',
    // Only one run holds the host lock, so any temp file of ours that exists now is a leftover.
    `rm -f "$d/.$b"${quote(TEMP_INFIX)}*`,
    `t=$(mktemp "$d/.$b${TEMP_INFIX}XXXXXX")`,
    `trap 'rm -f "$t"' EXIT; trap 'exit 1' HUP INT TERM PIPE`,
    'cat > "$t"',
    // A dropped connection ends stdin early: never let a partial file go live.
    `echo ${sha}' *'"$t" | sha256sum -c --status - || { echo "content arrived incomplete" >&2; exit ${WRITE_EXIT.truncated}; }`,
    'if [ -e "$p" ]; then chown --reference="$p" "$t"; chmod --reference="$p" "$t"; else chmod 0644 "$t"; fi',
  ];
  if (o.owner) lines.push(`chown ${quote(o.owner)} "$t"`);
  if (o.group) lines.push(`chgrp ${quote(o.group)} "$t"`);
  if (mode) lines.push(`chmod ${mode} "$t"`);
  if (o.validate?.length) lines.push(`${validateCommand(o.validate)} >&2 || exit ${WRITE_EXIT.validate}`);
  lines.push('sync "$t" 2>/dev/null || true');
  if (o.backup) lines.push(`if [ -f "$p" ]; then cp -p "$p" "$p.$(date +%Y%m%d%H%M%S).bak"; fi`);
  lines.push('mv -f "$t" "$p"', 'trap - EXIT', 'sync "$d" 2>/dev/null || true');
  return lines.join('\n');
}

export function deleteScript(path: string): string {
  if (!path.startsWith('/')) throw new Error(`delete: path must be absolute: ${JSON.stringify(path)}`);
  return `rm -f -- ${quote(path)}`;
}
