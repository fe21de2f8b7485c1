// Printed first by `npm test`: what it is about to run, and how to run only the unit tests.
const root = process.getuid?.() === 0 && process.platform === 'linux';
process.stderr.write(
  root
    ? 'npm test (as root): the unit tests, then the lab tests (real sshd hosts in network namespaces: several minutes).\n' +
        '  Only the unit tests: npm run test:unit (no root needed). One lab file: npx vitest run --project lab test/lab/FILE.test.ts\n'
    : 'npm test: the unit tests; the lab tests skip (they need root on Linux: sudo npm test runs them, for several minutes).\n' +
        '  Only the unit tests: npm run test:unit\n',
);
