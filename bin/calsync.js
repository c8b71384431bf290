#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`,
// and by npm itself on install from a git checkout: the `prepare` script).
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/main.js')) throw err;
  process.stderr.write(
    'calsync: this checkout is not built yet: run npm run build (or npm ci, which builds it)\n',
  );
  process.exit(1);
}
process.exitCode = await main(process.argv);
