// nft -c and haproxy -c judge the firewall ruleset, the nftables.conf include and haproxy.cfg provision renders for each real inventory.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import firewall from '../../../../src/modules/cluster/firewall.js';
import haproxy from '../../../../src/modules/cluster/haproxy.js';
import { NFT_CANDIDATE, NFTABLES_CONF, NFT_FILE, liveRulesIntact, renderNftRuleset } from '../../../../src/cluster/nft-ruleset.js';
import { firewallRules } from '../../../../src/cluster/firewall-rules.js';
import { HAPROXY_CFG } from '../../../../src/cluster/paths.js';
import { loadRealInventories } from '../../../support/real-inventories.js';
import { planWrites } from './plan-writes.js';
import { requireProgram, scratchDir } from './programs.js';

const inventories = await loadRealInventories();
const haveNft = await requireProgram('nft', 'nftables');
const haveUnshare = await requireProgram('unshare', 'util-linux');
const haveHaproxy = await requireProgram('haproxy', 'haproxy');

const scratch = scratchDir('fw');

/** nft needs CAP_NET_ADMIN even to check: a fresh user+network namespace gives it without touching the machine's rules. */
async function nftCheck(file: string) {
  return execa('unshare', ['-rn', 'nft', '-c', '-f', file], { reject: false });
}

const hosts = inventories.flatMap(({ name, inv }) => inv.hosts.map((h) => ({ name, inv, host: h.name, role: h.role })));

describe.skipIf(!haveNft || !haveUnshare)('firewall: nft -c -f on every host\'s rendered ruleset', () => {
  it.each(hosts)('$name $host ($role)', async ({ name, inv, host }) => {
    const files = planWrites(firewall, { inventory: inv, host, facts: { packages: { nftables: '1.0.6-2' } } });
    const ruleset = files.get(NFT_CANDIDATE);
    expect(ruleset, 'the candidate ruleset is written').toBeDefined();
    const f = join(scratch(), `${name}-${host}.nft`);
    await writeFile(f, ruleset!);
    const r = await nftCheck(f);
    expect(r.exitCode, r.stderr).toBe(0);
    // The boot file includes it: nftables.conf as the module writes it, pointing at the checked file.
    const conf = files.get(NFTABLES_CONF);
    expect(conf).toContain(`include "${NFT_FILE}"`);
    const c = join(scratch(), `${name}-${host}.conf`);
    await writeFile(c, conf!.replace(NFT_FILE, f));
    const rc = await nftCheck(c);
    expect(rc.exitCode, rc.stderr).toBe(0);
  });
});

describe.skipIf(!haveNft || !haveUnshare)('firewall: the live table as the real nft lists it is recognised as intact, and a rule deleted by hand is not', () => {
  /** Loads the ruleset into a fresh user+network namespace, optionally runs `then` there, and lists our table. */
  async function loadAndList(file: string, then = ':') {
    const r = await execa('unshare', ['-rn', 'sh', '-c', `nft -f "$1" && ${then} && nft list table inet provision`, 'sh', file], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  }
  it.each(hosts)('$name $host ($role)', async ({ name, inv, host }) => {
    const rules = firewallRules({ inventory: inv, host: inv.hosts.find((h) => h.name === host)! });
    const f = join(scratch(), `${name}-${host}-live.nft`);
    await writeFile(f, renderNftRuleset(rules));
    expect(liveRulesIntact(await loadAndList(f), rules), 'as loaded').toBe(true);
    // The fingerprint comment stays when a rule is deleted by hand: the comparison must still see it.
    const tampered = await loadAndList(f, `nft delete rule inet provision input handle $(nft -a list chain inet provision input | awk '/dport/ { print $NF; exit }')`);
    expect(tampered).toContain('comment "provision:');
    expect(liveRulesIntact(tampered, rules), 'a rule deleted').toBe(false);
    // ...and when one is edited to another port (the same fingerprint and comment: only the port differs).
    const e = join(scratch(), `${name}-${host}-edited.nft`);
    const rendered = renderNftRuleset(rules);
    await writeFile(e, rendered.replace(/tcp dport (?:\{[^}]*\}|\S+) accept/, 'tcp dport 1 accept'));
    const edited = await loadAndList(e);
    expect(edited).toContain(rendered.match(/comment "provision:[0-9a-f]+"/)![0]);
    expect(liveRulesIntact(edited, rules), 'a rule edited').toBe(false);
  });
});

describe.skipIf(!haveHaproxy)('haproxy: haproxy -c -f on the rendered haproxy.cfg', () => {
  const lbs = hosts.filter((h) => h.role === 'lb' && h.inv.network.api.mode === 'haproxy');
  it('goldentooth has an lb host in haproxy mode (the case is not empty)', () => expect(lbs.map((h) => h.host)).toEqual(['allyrion']));
  it.each(lbs)('$name $host', async ({ name, inv, host }) => {
    const cfg = planWrites(haproxy, { inventory: inv, host }).get(HAPROXY_CFG);
    expect(cfg).toBeDefined();
    const f = join(scratch(), `${name}-${host}.cfg`);
    await writeFile(f, cfg!);
    const r = await execa('haproxy', ['-c', '-f', f], { reject: false });
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[WARNING\]/);
  });
});
