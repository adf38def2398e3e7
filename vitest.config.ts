import { configDefaults, defineConfig } from 'vitest/config';

// Files that load the machine on their own (child processes, Chromium, 100,000-row imports): run one at a time,
// after the rest, so they neither slow the others nor hit their own deadlines under contention.
const HEAVY = [
  'test/scale/**/*.test.ts',
  'test/webhooks/crash.test.ts',
  'test/webhooks/crash-restart.test.ts',
  'test/webhooks/body-parts.test.ts',
  'test/http/document-import-scale.test.ts',
  'test/cli/import.test.ts',
  'console/test/e2e/**/*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    projects: [
      {
        extends: true,
        // Most files wait on sockets, timers and the database rather than the CPU: three at a time on two cores.
        test: { name: 'shared', include: ['test/**/*.test.ts', 'console/test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...HEAVY], maxWorkers: 3, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'heavy', include: HEAVY, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
