// The bench's first-run breakdown: an --events stream → time per play and per host by what it waited on.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs of the bench (no types)
import { categoryOf, failureLines, firstRunBreakdown, formatBreakdown } from '../../../bench/first-run.mjs';

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s)).toISOString();
const ev = (s: number, type: string, fields: Record<string, unknown>) => JSON.stringify({ schemaVersion: 1, type, time: at(s), ...fields });

describe('first-run breakdown', () => {
  it('charges each host its time per applied task category, probing to provision, and the rest of a play to waiting', () => {
    const text = [
      ev(0, 'run-start', { playbook: 'up', plays: ['Node setup', 'Initialise the cluster on the first control plane'] }),
      ev(0, 'play-start', { play: 'Node setup', hosts: ['a', 'b'] }),
      ev(1, 'task-result', { host: 'a', task: 'hosts file', action: 'noop', applied: false }),
      ev(11, 'task-result', { host: 'a', task: 'kubeadm, kubelet, kubectl installed and held', action: 'create', applied: true }),
      ev(4, 'task-result', { host: 'b', task: 'containerd with SystemdCgroup', action: 'create', applied: true }),
      ev(12, 'play-end', { play: 'Node setup', elapsedMs: 12_000 }),
      ev(12, 'play-start', { play: 'Initialise the cluster on the first control plane', hosts: ['a'] }),
      ev(32, 'task-result', { host: 'a', task: 'kubeadm init', action: 'create', applied: true }),
      ev(33, 'play-end', { play: 'Initialise the cluster on the first control plane', elapsedMs: 21_000 }),
    ].join('\n');
    const { plays, hosts } = firstRunBreakdown(text);
    expect(plays).toEqual([{ play: 'Node setup', ms: 12_000 }, { play: 'Initialise the cluster on the first control plane', ms: 21_000 }]);
    expect(hosts.get('a')).toEqual({ apt: 10_000, kubeadm: 20_000, reboot: 0, provision: 1_000, waiting: 2_000 });
    expect(hosts.get('b')).toEqual({ apt: 4_000, kubeadm: 0, reboot: 0, provision: 0, waiting: 8_000 });
    const lines = formatBreakdown({ plays, hosts });
    expect(lines.at(-1)).toBe('  busiest host a: apt 10.0 s, kubeadm 20.0 s, reboot 0.0 s, provision 1.0 s, waiting 2.0 s');
  });

  it('names what a task waits on from its name', () => {
    const names = ['kubeadm join (worker)', 'kubeadm init', 'haproxy package', 'containerd with SystemdCgroup', 'kubeadm, kubelet, kubectl installed and held',
      'clock kept in sync (chrony respected, else systemd-timesyncd)', 'Raspberry Pi cgroup flags (reboots once when they were missing)', '/etc/hosts block and hostname'];
    expect(names.map(categoryOf)).toEqual(['kubeadm', 'kubeadm', 'apt', 'apt', 'apt', 'apt', 'reboot', 'provision']);
  });

  it('says why a first run failed: each host-failure event, the first few of them', () => {
    const text = [
      ev(0, 'run-start', { playbook: 'up', plays: ['Join the workers'] }),
      'not json {',
      ev(5, 'host-failure', { play: 'Join the workers', host: 'w1', error: 'kubeadm join failed (exit 1)\ntimed out', unreachable: false }),
      ev(6, 'host-failure', { play: 'Join the workers', host: 'w2', error: 'connection lost', unreachable: true }),
      ev(7, 'host-failure', { play: 'Join the workers', host: 'w3', error: 'x', unreachable: false }),
    ].join('\n');
    expect(failureLines(text, 2)).toEqual([
      '  w1 in "Join the workers": kubeadm join failed (exit 1)\n    timed out',
      '  w2 in "Join the workers" (unreachable): connection lost',
      '  … and 1 more hosts',
    ]);
    expect(failureLines(ev(0, 'run-start', {}))).toEqual([]);
  });
});
