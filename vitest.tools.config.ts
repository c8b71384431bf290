import { defineConfig } from 'vitest/config';

// Checks that drive promtool and systemd-analyze: `npm run test:tools` (.ci/run installs both).
export default defineConfig({
  test: {
    include: ['test/tools/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
