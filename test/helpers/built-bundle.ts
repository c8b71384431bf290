/**
 * vitest global setup: the end-to-end tests spawn bin/calsync.js, which runs
 * dist/bundle. A bundle older than tsc's output (`tsc` run alone) would test
 * yesterday's code and pass: refuse it, and say the command that rebuilds.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = resolve(import.meta.dirname, '../../dist');

function newestJs(dir: string, skip: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = path === skip ? newest : Math.max(newest, newestJs(path, skip));
    else if (entry.name.endsWith('.js')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function checkBundle(): void {
  const bundle = join(dist, 'bundle');
  let bundled: number;
  try {
    bundled = statSync(join(bundle, 'main.js')).mtimeMs;
  } catch {
    throw new Error('dist/bundle is missing: run npm run build');
  }
  if (newestJs(dist, bundle) > bundled)
    throw new Error('dist/bundle is older than dist/: run npm run build (tsc alone does not bundle)');
}
