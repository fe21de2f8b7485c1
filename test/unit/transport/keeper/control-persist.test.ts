// The user's ssh config decides when no --persist does: ControlMaster with ControlPersist, as ssh reads them.
import { describe, expect, it } from 'vitest';
import { controlPersistMs, PERSIST_YES_MS } from '../../../../src/transport/keeper/control-persist.js';

const o = (master: string | undefined, persist: string | undefined) => ({ ...(master ? { controlmaster: [master] } : {}), ...(persist ? { controlpersist: [persist] } : {}) });

describe('ControlPersist from the ssh config', () => {
  it('keeps as long as ControlPersist says, only with a ControlMaster that makes a master', () => {
    expect(controlPersistMs(o('auto', '600'))).toBe(600_000); // ssh -G prints seconds
    expect(controlPersistMs(o('true', '30'))).toBe(30_000);
    expect(controlPersistMs(o('autoask', '10m'))).toBe(600_000); // as a config read without ssh says it
    expect(controlPersistMs(o('auto', '1h30m'))).toBe(5_400_000);
    expect(controlPersistMs(o('auto', 'yes'))).toBe(PERSIST_YES_MS);
    expect(controlPersistMs(o('auto', '9999999'))).toBe(PERSIST_YES_MS);
  });

  it('keeps nothing without a master, with ControlPersist no, or with a value ssh would not take', () => {
    expect(controlPersistMs(o('false', '30'))).toBeUndefined(); // ssh -G's answer when only ControlPersist is set
    expect(controlPersistMs(o(undefined, '30'))).toBeUndefined();
    expect(controlPersistMs(o('auto', 'no'))).toBeUndefined();
    expect(controlPersistMs(o('auto', undefined))).toBeUndefined();
    expect(controlPersistMs(o('auto', '0'))).toBeUndefined();
    expect(controlPersistMs(o('auto', '10x'))).toBeUndefined();
  });
});
