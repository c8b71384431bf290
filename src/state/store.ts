import { mkdir, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempFileOwnerPid, writeFileAtomic } from '../util/atomic-write.js';
import { assertPrivateDir } from '../util/private-dir.js';
import { loadState } from './load.js';
import { statePath } from './paths.js';
import { serializeState } from './serialize.js';
import { isProcessAlive } from './process-alive.js';
import type { State } from './types.js';

/**
 * The state of one run, loaded from `<config dir>/state.json`. Mutate `state`
 * in place and call `save()`; each save rewrites the whole file atomically,
 * so callers batch (once per calendar or per poll, not per event).
 *
 * Read-modify-write must happen inside `withStateLock(configDir, …)`: the
 * store itself does not lock, and two unlocked writers lose each other's updates.
 */
export interface StateStore {
  readonly state: State;
  readonly path: string;
  save(): Promise<void>;
}

class FileStateStore implements StateStore {
  /** Saves run one after another, each writing the state as it is then, so the last call always wins. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly state: State,
  ) {}

  save(): Promise<void> {
    const next = this.queue
      .catch(() => undefined)
      .then(() => writeFileAtomic(this.path, serializeState(this.state)));
    this.queue = next;
    return next;
  }
}

/**
 * Loads the state for reading and writing (empty when there is none yet),
 * migrated to the current version. Throws StateError for a file from a newer
 * calsync, and for a corrupt one with `repair: false` (else it is moved
 * aside). Also removes temp files left by writers that crashed mid-save.
 */
export async function openState(configDir: string, opts: { repair?: boolean } = {}): Promise<StateStore> {
  const path = statePath(configDir);
  assertPrivateDir(configDir);
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await removeCrashedTempFiles(path);
  const { state } = await loadState(path, opts);
  return new FileStateStore(path, state);
}

/**
 * A read-only snapshot (metrics, health): no lock needed, since saves are
 * atomic renames. It never changes the file: a corrupt one is a StateError.
 */
export async function readState(configDir: string): Promise<State> {
  return (await loadState(statePath(configDir), { repair: false })).state;
}

async function removeCrashedTempFiles(path: string): Promise<void> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = tempFileOwnerPid(path, name);
    // A live pid may be another process saving right now: leave its file alone.
    if (pid !== undefined && !isProcessAlive(pid)) await unlink(join(dir, name)).catch(() => undefined);
  }
}
