import { defineConfig } from 'vitest/config';

// What users install, checked as they get it: `npm run test:package` (the npm
// tarball) and `npm run test:container` (the image, built and run with podman).
// Both build and install for real, so they take minutes, not seconds; `.ci/run`
// runs them after the rest.
export default defineConfig({
  test: {
    include: ['test/ship/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});
