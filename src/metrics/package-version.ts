import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** calsync's own version (package.json, two levels above dist/metrics/), for `calsync_build_info`. */
export function packageVersion(): string {
  if (cached === undefined) {
    try {
      const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
      const v = (JSON.parse(raw) as { version?: unknown }).version;
      cached = typeof v === 'string' ? v : 'unknown';
    } catch {
      cached = 'unknown';
    }
  }
  return cached;
}
