// Issue 19 item 7: an invalid proxyJump fails lint at its position (it used to pass, then fail every host at run time).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryFromYaml } from '../../../src/inventory/load.js';
import { parseYamlText } from '../../../src/yaml/index.js';

const HOMELAB = readFileSync(join(import.meta.dirname, '../../../inventory/homelab.yaml'), 'utf8');
const withJump = (jump: string, where: 'ssh' | 'host') =>
  where === 'ssh'
    ? HOMELAB.replace('\nssh:\n', `\nssh:\n  proxyJump: ${JSON.stringify(jump)}\n`)
    : HOMELAB.replace('    role: worker\n', `    role: worker\n    ssh: { proxyJump: ${JSON.stringify(jump)} }\n`);
const load = (text: string) => inventoryFromYaml(parseYamlText(text, 'inv.yaml'));
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('proxyJump', () => {
  it.each(['a:b:c', 'pi@:22', 'bastion:0', 'bastion:99999', 'bastion,', 'two words', 'pi@host:22:33', '[::1'])('%j is an error at its line', (jump) => {
    for (const where of ['ssh', 'host'] as const) {
      const text = withJump(jump, where);
      const r = load(text);
      expect(r.inventory, `${where}: ${jump}`).toBeUndefined();
      const f = r.findings[0]!;
      expect(f.message).toMatch(/is not a ProxyJump hop/);
      expect(f.hint).toMatch(/\[user@\]host\[:port\]/);
      expect(f.line).toBe(lineOf(text, 'proxyJump'));
    }
  });

  it.each(['bastion', 'pi@bastion:2222', 'gw1,pi@gw2:22', 'ssh://pi@gw', '[fd00::1]:22', '192.168.1.5', 'none'])('%j is fine', (jump) => {
    for (const where of ['ssh', 'host'] as const) expect(load(withJump(jump, where)).findings).toEqual([]);
  });
});
