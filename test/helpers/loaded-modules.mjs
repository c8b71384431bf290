/* global process */
// Preloaded with `node --import`: when the process exits, writes the paths of
// the CommonJS modules it loaded (the Google client library is CommonJS; every
// require function shares one cache) to the file CALSYNC_TEST_LOADED_MODULES names.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const file = process.env.CALSYNC_TEST_LOADED_MODULES;
  if (file) writeFileSync(file, Object.keys(cache).join('\n'));
});
