import { defineConfig } from 'vitest/config';

// Tests spawn the built binary and real HTTP servers; two cores are all CI has.
// test/tools/ needs programs from outside npm: `npm run test:tools` (vitest.tools.config.ts);
// test/ship/ packs, installs and builds images: `npm run test:package` and `test:container`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/built-bundle.ts'],
    exclude: ['test/tools/**', 'test/ship/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
