// The offline network-plan lint: runs every check family over a valid Inventory, findings sorted by position.
import type { Finding } from '../../core/finding.js';
import type { YamlDocument } from '../../yaml/index.js';
import type { Inventory } from '../types.js';
import { checkDuplicates, checkReserved, checkSubnet } from './addresses.js';
import { checkApi } from './api.js';
import { checkBgp } from './bgp.js';
import { checkPodCidr, checkQuorum, checkServiceCidr } from './cluster-size.js';
import { createLintContext, type LintCheck } from './context.js';
import { checkMetallbRoute } from './metallb.js';
import { checkDhcp, checkOverlap } from './ranges.js';

export const CHECKS: readonly LintCheck[] = [
  checkDuplicates, checkSubnet, checkReserved, checkOverlap, checkDhcp, checkApi,
  checkMetallbRoute, checkQuorum, checkPodCidr, checkServiceCidr, checkBgp,
];

/** Every code the lint can report (schema and yaml come from loading). */
export const LINT_CODES = [
  'yaml', 'schema', 'invalid-name', 'duplicate-address', 'duplicate-mac', 'outside-subnet', 'reserved-address', 'overlap',
  'dhcp-conflict', 'vip-conflict', 'api-port', 'metallb-unrouted', 'etcd-quorum', 'pod-cidr-too-small', 'service-cidr-too-large',
  'asn-reserved', 'bgp-peer', 'bgp-ibgp', 'bgp-announcer', 'bgp-double-peering',
] as const;

export function lintInventory(inv: Inventory, source: YamlDocument): Finding[] {
  const findings: Finding[] = [];
  const ctx = createLintContext(inv, source, findings);
  for (const check of CHECKS) check(ctx);
  return findings.sort((a, b) => a.line - b.line || a.col - b.col);
}
