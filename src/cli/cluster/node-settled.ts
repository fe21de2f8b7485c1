// Whether a node (kubectl get node -o json) is back after its kubelet's upgrade: Ready, kubelet at the target minor (uncordon comes next).
import { minorOf } from '../../cluster/upgrade-policy.js';

export function nodeSettled(json: string | undefined, minor: number): { ok: boolean; why: string } {
  let n: { spec?: { unschedulable?: boolean }; status?: { conditions?: Array<{ type: string; status: string; message?: string }>; nodeInfo?: { kubeletVersion?: string } } };
  try {
    n = JSON.parse(json ?? '');
  } catch {
    return { ok: false, why: 'the API did not answer' };
  }
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const v = n.status?.nodeInfo?.kubeletVersion;
  if (ready?.status !== 'True') return { ok: false, why: `NotReady: ${ready?.message ?? 'no Ready condition'}` };
  if (minorOf(v) !== minor) return { ok: false, why: `kubelet reports ${v ?? 'no version'}, not 1.${minor}` };
  return { ok: true, why: `Ready, kubelet ${v}` };
}
