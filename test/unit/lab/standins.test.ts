// Unit tests for the stand-ins' parsers (plain .mjs run inside lab hosts): sysctl.conf.
import { describe, expect, it } from 'vitest';

const load = async <T>(p: string): Promise<T> => (await import(/* @vite-ignore */ new URL(`../../../src/lab/assets/standins/lib/${p}`, import.meta.url).href)) as T;
const sysctl = await load<{ parseSysctlConf(t: string): Array<{ key: string; value: string; optional: boolean }> }>('sysctl-lib.mjs');

describe('sysctl.conf', () => {
  it('reads keys, values, slashes and optional entries', () => {
    expect(sysctl.parseSysctlConf('# c\nnet.ipv4.ip_forward = 1\n-net/bridge/bridge-nf-call-iptables=1\n; x\nvm.swappiness=10\n')).toEqual([
      { key: 'net.ipv4.ip_forward', value: '1', optional: false },
      { key: 'net.bridge.bridge-nf-call-iptables', value: '1', optional: true },
      { key: 'vm.swappiness', value: '10', optional: false },
    ]);
  });
});
