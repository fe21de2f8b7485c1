// The dpkg-resume module from data (an interrupted dpkg → dpkg --configure -a), and its fact's glob run by sh.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import mod from '../../../../src/modules/generic/dpkg-resume.js';
import { dpkgJournal } from '../../../../src/facts/kinds/dpkg-journal.js';
import { factOf } from '../../../support/fake-facts.js';
import { runModuleCases } from '../harness.js';
import { tempDir } from '../../../support/temp-dir.js';

const journal = (stdout: string) => ({ [factOf(dpkgJournal)]: stdout });

runModuleCases(mod, [
  {
    name: 'dpkg interrupted: resume it before anything installs',
    params: {},
    facts: { facts: journal('interrupted\n') },
    expect: {
      action: 'update',
      summary: /^dpkg was interrupted .*resume it \(dpkg --configure -a\)/,
      steps: [{ kind: 'exec', command: { argv: ['dpkg', '--configure', '-a', '--force-confdef', '--force-confold'], env: { DEBIAN_FRONTEND: 'noninteractive' } } }],
      converges: false,
    },
  },
  { name: 'nothing pending: noop', params: {}, facts: { facts: journal('') }, expect: { action: 'noop', summary: 'dpkg is not in the middle of anything' } },
  { name: 'rejects unknown params', params: { force: true }, expect: { error: /force/ } },
]);

describe('dpkg-journal fact (sh runs the glob)', () => {
  it('interrupted only while dpkg\'s updates/ holds a journal entry', async () => {
    const admin = tempDir('dpkg-admin-');
    mkdirSync(join(admin, 'updates'));
    const read = async () => dpkgJournal.parse({ code: 0, stdout: (await execa('sh', ['-c', dpkgJournal.script({ adminDir: admin })])).stdout }, { adminDir: admin });
    expect(await read()).toEqual({ interrupted: false });
    writeFileSync(join(admin, 'updates', 'tmp.i'), ''); // dpkg's own temp name: not an entry
    expect(await read()).toEqual({ interrupted: false });
    writeFileSync(join(admin, 'updates', '0001'), 'Package: containerd\nStatus: install ok half-installed\n');
    expect(await read()).toEqual({ interrupted: true });
  });
});
