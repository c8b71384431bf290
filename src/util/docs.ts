/**
 * Where the shipped docs are: `docs/` beside `dist/` in the package (npm
 * "files" ships it), so a hint names a path that exists on this machine,
 * in a checkout and in an installed copy alike.
 */
import { fileURLToPath } from 'node:url';

export type DocName =
  'configuration.md' | 'google-setup.md' | 'monitoring.md' | 'operations.md' | 'profiles.md';

/** The absolute path of a doc (dist/util/docs.js → ../../docs/<name>). */
export function docPath(name: DocName): string {
  return fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
}
