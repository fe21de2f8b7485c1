// Whether a node (kubectl get node -o json) is back in service after its upgrade: Ready, schedulable, kubelet at the target minor.
import { minorOf } from '../../modules/kubernetes/upgrade-policy.js';

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
  if (n.spec?.unschedulable) return { ok: false, why: 'still cordoned' };
  return { ok: true, why: `Ready, kubelet ${v}` };
}
