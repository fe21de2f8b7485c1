// Every fact kind a module can declare, by name: the probe finds scripts here and `provision facts` shows them all.
import type { FactKind } from '../../core/types.js';
import { clockSync } from './clock-sync.js';
import { containerdFact } from './containerd.js';
import { dpkgJournal } from './dpkg-journal.js';
import { kernelModules } from './kernel-modules.js';
import { kubeadmInitState } from './kubeadm-init-state.js';
import { kubeadmVersion } from './kubeadm-version.js';
import { netLinks } from './net-links.js';
import { nftTable } from './nft-table.js';
import { piKernel } from './pi-kernel.js';
import { primaryLink } from './primary-link.js';
import { swap } from './swap.js';
import { sysctl } from './sysctl.js';
import { ufwStatus } from './ufw-status.js';
import { unitConditions } from './unit-conditions.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFactKind = FactKind<any, unknown>;

export const FACT_KINDS: readonly AnyFactKind[] = [
  kernelModules, sysctl, swap, nftTable, ufwStatus, netLinks, primaryLink, clockSync, unitConditions, piKernel, containerdFact,
  kubeadmVersion, kubeadmInitState, dpkgJournal,
];

const BY_NAME = new Map(FACT_KINDS.map((k) => [k.name, k]));

export function factKind(name: string): AnyFactKind {
  const kind = BY_NAME.get(name);
  if (!kind) throw new Error(`unknown fact kind '${name}' (known: ${[...BY_NAME.keys()].join(', ')})`);
  return kind;
}
