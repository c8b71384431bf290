import { defineConfig } from 'vitest/config';

// Tests spawn the built binary and real HTTP servers; two cores are all CI has.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
