import { isAscii } from 'node:buffer';
import { lstat, readFile, realpath, rename } from 'node:fs/promises';
import { ConfigError, StateError } from '../errors.js';
import { log } from '../util/log.js';
import { emptyState } from './empty.js';
import { assertColumnsNotNewer, assertNotNewer, declaredVersion, migrate } from './migrations.js';
import { isRecord, shapeState } from './shape.js';
import { STATE_VERSION } from './types.js';
import type { State } from './types.js';

export interface LoadedState {
  state: State;
  /** The version the file had before migration; undefined when there was no usable file. */
  fileVersion: number | undefined;
}

/**
 * Reads, checks and migrates state.json. A missing file is an empty state. A
 * corrupt one (bad JSON, wrong shape) is moved aside, never overwritten, with
 * one warning line, and the run starts from an empty state: copies carry
 * deterministic ids, so they are found again rather than duplicated. A file
 * from a newer calsync is refused with a StateError and left as it is.
 */
/**
 * `repair` (writers: the poll, clean): a corrupt file is moved aside and the
 * run starts empty. Read-only snapshots (health-check, metrics, the server)
 * never change the file: they get a StateError, and the next writer repairs.
 */
export async function loadState(path: string, opts: { repair?: boolean } = {}): Promise<LoadedState> {
  const repair = opts.repair !== false;
  const corrupt = (problem: string): Promise<LoadedState> => {
    if (repair) return moveAside(path, problem);
    return Promise.reject(
      new StateError(
        `the state file ${path} is corrupt (${problem}); the next poll moves it aside and starts afresh`,
      ),
    );
  };
  await refuseSymlink(path);
  let text: string;
  try {
    text = decode(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { state: emptyState(), fileVersion: undefined };
    throw new StateError(`cannot read the state file ${path}: ${(err as Error).message}`, { cause: err });
  }

  const parsed = parseState(text, path);
  return parsed.ok ? { state: parsed.state, fileVersion: parsed.fileVersion } : corrupt(parsed.problem);
}

/**
 * Every save renames a new file over state.json, which would silently replace
 * a symbolic link with a plain file (the link's target then goes stale, and
 * two configs sharing one target would part ways). Refused instead, naming
 * the target, so the user points CALSYNC_CONFIG_DIR at the real place.
 */
async function refuseSymlink(path: string): Promise<void> {
  let isLink = false;
  try {
    isLink = (await lstat(path)).isSymbolicLink();
  } catch {
    return; // missing or unreadable: the read below says which
  }
  if (!isLink) return;
  const target = await realpath(path).catch(() => 'a missing file');
  throw new ConfigError(
    `the state file ${path} is a symbolic link (to ${target}); calsync replaces state.json by renaming a new file over it, which would replace the link, so it refuses`,
    {
      hint: 'move the real file into the config dir, or point CALSYNC_CONFIG_DIR at the directory that holds it',
    },
  );
}

export type ParsedState = { ok: true; state: State; fileVersion: number } | { ok: false; problem: string };

/**
 * The state in the text of a state file, checked and migrated; `problem` says
 * why a corrupt one is. Throws StateError for a file from a newer calsync
 * (a higher version, or event columns this one does not know).
 */
export function parseState(text: string, path = 'state.json'): ParsedState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // V8's message quotes part of the file (ids, sync tokens): keep it out of the logs.
    return { ok: false, problem: 'not valid JSON' };
  }
  if (!isRecord(raw)) return { ok: false, problem: 'not a JSON object' };
  const version = declaredVersion(raw);
  if (version === 'invalid') return { ok: false, problem: '"version" is not a positive integer' };
  assertNotNewer(version, path);
  assertColumnsNotNewer(raw, path);
  const shaped = shapeState(migrate(raw, version), STATE_VERSION);
  return shaped.ok ? { ok: true, state: shaped.state, fileVersion: version } : shaped;
}

/**
 * State files are almost always pure ASCII (ids, emails, ISO times). For
 * those, latin1 decoding gives the identical string more than ten times
 * faster than Node 20's UTF-8 decoder on a 20 MB file (100,000 entries).
 */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** `state.json.corrupt-2024-05-01T10-00-00.000Z`: sortable, and no ':' for filesystems that refuse it. */
export function corruptPathFor(path: string, now = new Date()): string {
  return `${path}.corrupt-${now.toISOString().replace(/:/g, '-')}`;
}

async function moveAside(path: string, problem: string): Promise<LoadedState> {
  const aside = corruptPathFor(path);
  try {
    await rename(path, aside);
  } catch (err) {
    // Another process moved it aside first (and warned): nothing left to move.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { state: emptyState(), fileVersion: undefined };
    throw new StateError(
      `the state file ${path} is corrupt (${problem}) and could not be moved aside: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  log.warn(
    `state file ${path} is corrupt (${problem}); moved it to ${aside} and started from an empty state`,
  );
  return { state: emptyState(), fileVersion: undefined };
}
