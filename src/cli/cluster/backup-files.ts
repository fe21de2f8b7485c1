// The laptop side of backups: written 0600 in a 0700 directory (never readable by group or other, whatever the umask),
// atomically, with a sha256sum file beside; pruned by --keep; read back and checked before a restore.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { backupsToPrune, parseSha256Line, sha256Line } from '../../cluster/etcd-backup.js';
import { UserError } from '../../core/errors.js';

async function writePrivate(path: string, data: Buffer | string): Promise<void> {
  const tmp = `${path}.provision-tmp`;
  await rm(tmp, { force: true });
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Writes DIR/NAME and DIR/NAME.sha256; returns the sha256. A directory provision creates is 0700. */
export async function writeBackup(dir: string, name: string, data: Buffer): Promise<{ path: string; sha256: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  const sha256 = createHash('sha256').update(data).digest('hex');
  await writePrivate(path, data);
  await writePrivate(`${path}.sha256`, sha256Line(sha256, name));
  return { path, sha256 };
}

/** Deletes this cluster's backups beyond the newest `keep` (and their .sha256); returns the names deleted. */
export async function pruneBackups(dir: string, cluster: string, keep: number): Promise<string[]> {
  const gone = backupsToPrune(await readdir(dir), cluster, keep);
  for (const f of gone) {
    await rm(join(dir, f), { force: true });
    await rm(join(dir, `${f}.sha256`), { force: true });
  }
  return gone;
}

/** The backup's bytes, after its sha256 file says they are intact; refuses a file others can read (it holds the CA key). */
export async function readCheckedBackup(file: string): Promise<Buffer> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new UserError(`${file}: no such backup file`);
  if (st.mode & 0o077) throw new UserError(`${file} is readable or writable by group or other (mode ${(st.mode & 0o777).toString(8)}): it holds the cluster's CA key`, 1, `chmod 600 ${file}, and treat the cluster's keys as exposed if others could read it`);
  const line = await readFile(`${file}.sha256`, 'utf8').catch(() => undefined);
  const want = line ? parseSha256Line(line) : undefined;
  if (!want) throw new UserError(`${file}.sha256 is missing or not a sha256sum line: provision will not restore an unchecked backup`);
  const data = await readFile(file);
  const got = createHash('sha256').update(data).digest('hex');
  if (got !== want) throw new UserError(`${basename(file)} does not match its sha256 (${got} != ${want}): damaged or changed`);
  return data;
}

