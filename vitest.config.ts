import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'harness',
          include: ['harness/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'plan',
          include: ['tests/**/*.test.ts'],
          globalSetup: ['harness/plan/global-setup.ts'],
          // The plan's files only read the shared probes: one worker that keeps
          // its module cache across files starts faster than a fork per file.
          pool: 'threads',
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
