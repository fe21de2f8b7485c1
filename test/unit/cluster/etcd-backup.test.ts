// Backup names, pruning and the restore scripts from data; the scripts parse with sh -n (they never run here).
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { backupFileName, backupsToPrune, initialCluster, parseSha256Line, renderBackupScript, renderRestoreScript, renderStageScript, renderStartScript, renderStopScript, sha256Line } from '../../../src/cluster/etcd-backup.js';
import { goldentooth } from './fixtures.js';

describe('backup files', () => {
  it('are named by cluster and UTC time, sortable', () => {
    expect(backupFileName('goldentooth', new Date('2026-12-02T03:15:09.123Z'))).toBe('goldentooth-20261202T031509Z.tar');
  });
  it('--keep deletes the oldest of this cluster only', () => {
    const files = ['a-20261201T000000Z.tar', 'a-20261203T000000Z.tar', 'a-20261202T000000Z.tar', 'a-20261202T000000Z.tar.sha256', 'ab-20260101T000000Z.tar', 'notes.txt'];
    expect(backupsToPrune(files, 'a', 1)).toEqual(['a-20261201T000000Z.tar', 'a-20261202T000000Z.tar']);
    expect(backupsToPrune(files, 'a', 5)).toEqual([]);
    expect(backupsToPrune(files, 'ab', 0)).toEqual(['ab-20260101T000000Z.tar']);
  });
  it('sha256 lines are what sha256sum -c reads', () => {
    const hex = 'a'.repeat(64);
    expect(sha256Line(hex, 'x.tar')).toBe(`${hex}  x.tar\n`);
    expect(parseSha256Line(sha256Line(hex, 'x.tar'))).toBe(hex);
    expect(parseSha256Line('nonsense')).toBeUndefined();
  });
});

describe('restore scripts', () => {
  const inv = goldentooth();
  const cargyll = inv.hosts.find((h) => h.name === 'cargyll')!;
  it('restore every control plane as a member of one new cluster, into a fresh data dir, keeping the old one', () => {
    expect(initialCluster(inv)).toBe('bettley=https://10.4.0.11:2380,cargyll=https://10.4.0.12:2380,dalt=https://10.4.0.13:2380');
    const s = renderRestoreScript(inv, cargyll, 'registry.k8s.io/etcd:3.5.16-0', '20261202T031509Z');
    expect(s).toContain("ctr -n k8s.io run --rm --net-host --mount type=bind,src=/var/lib,dst=/var/lib,options=rbind:rw registry.k8s.io/etcd:3.5.16-0");
    expect(s).toContain('--data-dir /var/lib/etcd.provision-restore --name cargyll');
    expect(s).toContain('--initial-advertise-peer-urls https://10.4.0.12:2380');
    expect(s).toContain('mv /var/lib/etcd /var/lib/etcd.before-restore-20261202T031509Z');
  });
  it.each([
    ['backup', renderBackupScript('kubectl', cargyll, { cluster: 'goldentooth', takenAt: 't', takenOn: 'cargyll', kubernetes: '1.32', format: 1 })],
    ['stage', renderStageScript()],
    ['stop', renderStopScript()],
    ['restore', renderRestoreScript(inv, cargyll, 'img', 's')],
    ['start', renderStartScript()],
  ])('%s parses with sh -n', async (_n, script) => {
    const r = await execa('sh', ['-n', '-c', script], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
  it('the backup script keeps everything 0600 and removes its copy on exit', () => {
    const s = renderBackupScript('kubectl', cargyll, { cluster: 'goldentooth', takenAt: 't', takenOn: 'cargyll', kubernetes: '1.32', format: 1 });
    expect(s).toMatch(/^umask 077$/m);
    expect(s).toContain(`trap 'rm -rf "$d"' EXIT`);
    expect(s).toContain('exec etcd-cargyll -- etcdctl');
  });
});
