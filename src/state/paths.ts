import { join } from 'node:path';

/** The state file inside a config dir. */
export function statePath(configDir: string): string {
  return join(configDir, 'state.json');
}

/** The cross-process lock file that serialises every read-modify-write of the state. */
export function lockPath(configDir: string): string {
  return join(configDir, 'state.lock');
}
