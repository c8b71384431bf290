/* global process, URL */
// Preloaded with `node --import`: appends to the file CALSYNC_TEST_LOADED_MODULES
// names the URL of each ES module as node loads it (through a loader hook),
// and when the process exits, the paths of the CommonJS modules it loaded
// (the Google client library and commander are CommonJS; every require
// function shares one cache).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.CALSYNC_TEST_LOADED_MODULES;
if (file) {
  appendFileSync(file, '');
  register(new URL('./loaded-modules-hooks.mjs', import.meta.url), { data: { file } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () =>
    appendFileSync(
      file,
      Object.keys(cache)
        .map((p) => `${p}\n`)
        .join(''),
    ),
  );
}
