// The laptop's backup files: 0600 whatever the umask, sha256 beside, pruned by --keep, refused when damaged or readable by others.
import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pruneBackups, readCheckedBackup, writeBackup } from '../../../../src/cli/cluster/backup-files.js';
import { tempDir } from '../../../support/temp-dir.js';

const root = tempDir('i17-backup-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backup files on the laptop', () => {
  it('are 0600 in a 0700 directory even with umask 000, and read back when intact', async () => {
    const old = process.umask(0);
    try {
      const dir = join(root, 'new');
      const { path, sha256 } = await writeBackup(dir, 'c-20261202T000000Z.tar', Buffer.from('snapshot'));
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}.sha256`).mode & 0o777).toBe(0o600);
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await readCheckedBackup(path)).toString()).toBe('snapshot');
    } finally {
      process.umask(old);
    }
  });
  it('a changed file, a missing sha256 or a group-readable file is refused', async () => {
    const dir = join(root, 'bad');
    const { path } = await writeBackup(dir, 'c-20261202T000000Z.tar', Buffer.from('snapshot'));
    writeFileSync(path, 'changed', { mode: 0o600 });
    await expect(readCheckedBackup(path)).rejects.toThrow(/does not match its sha256/);
    chmodSync(path, 0o640);
    await expect(readCheckedBackup(path)).rejects.toThrow(/readable or writable by group or other \(mode 640\)/);
    chmodSync(path, 0o600);
    rmSync(`${path}.sha256`);
    await expect(readCheckedBackup(path)).rejects.toThrow(/sha256 is missing/);
  });
  it('--keep prunes this cluster\'s oldest with their sha256 files', async () => {
    const dir = join(root, 'keep');
    for (const t of ['20261201T000000Z', '20261202T000000Z', '20261203T000000Z']) await writeBackup(dir, `c-${t}.tar`, Buffer.from(t));
    await writeBackup(dir, 'other-20200101T000000Z.tar', Buffer.from('x'));
    expect(await pruneBackups(dir, 'c', 2)).toEqual(['c-20261201T000000Z.tar']);
    expect(readdirSync(dir).sort()).toEqual(['c-20261202T000000Z.tar', 'c-20261202T000000Z.tar.sha256', 'c-20261203T000000Z.tar', 'c-20261203T000000Z.tar.sha256', 'other-20200101T000000Z.tar', 'other-20200101T000000Z.tar.sha256']);
  });
});
