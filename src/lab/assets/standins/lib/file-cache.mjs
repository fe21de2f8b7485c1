// A file's parsed content, read again only when the file changed: stand-ins that loop every second on every lab host
// (the kubelet's) would otherwise parse the same YAML again each time, and the hosts all share the machine's few cores.
import { statSync } from 'node:fs';

/** A reader of parsed files: read(file) runs again only when the file's inode, size or modification time changed. */
export function fileCache() {
  const parsed = new Map();
  return async (file, read) => {
    const st = statSync(file);
    const key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const hit = parsed.get(file);
    if (hit?.key === key) return hit.value;
    const value = await read(file);
    parsed.set(file, { key, value });
    return value;
  };
}
