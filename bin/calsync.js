#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled to dist/bundle (by
// `npm run build`; by `npm ci` in a git checkout, the `preprepare` script; by
// `npm pack`, `prepack`: the tarball ships the bundle built). See
// scripts/bundle.mjs for why a bundle.
let main;
try {
  ({ main } = await import('../dist/bundle/main.js'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/bundle/main.js')) throw err;
  process.stderr.write(
    'calsync: this checkout is not built yet: run npm run build (or npm ci, which builds it)\n',
  );
  process.exit(1);
}
process.exitCode = await main(process.argv);
