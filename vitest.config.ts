// Two test projects: fast unit tests (anywhere, no root) and lab tests (root + Linux, real sshd hosts in netns).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // Some unit tests start the built CLI or a real program: on a loaded 2-core machine (a process start of 5 ms
      // and more, three suites at once) one took over 10 s. The bound catches a hang, not slowness.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          setupFiles: ['test/lab/yield-between-tests.ts'],
          // Lab tests build network namespaces; they run one file at a time and may take minutes.
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
