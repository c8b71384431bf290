import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StateError } from '../errors.js';
import { log } from '../util/log.js';
import { assertPrivateDir } from '../util/private-dir.js';
import { lockPath } from './paths.js';
import { bootId, isProcessAlive, processStart } from './process-alive.js';

/**
 * A cross-process lock in the config dir (`state.lock`), so the timer's poll,
 * the webhook server's poll and `clean` never interleave their
 * read-modify-write of state.json.
 *
 * - Taken by an exclusive create (`open(…, 'wx')`) of a file holding the
 *   owner's pid, hostname, start time and a random nonce.
 * - A lock whose pid is dead on this host is stale and taken over, and so
 *   is one from an earlier boot, or whose pid now names another process
 *   (Linux: boot id and process start time, so a lock left by a power cut
 *   never blocks polls after the reboot gave its pid to another program): it is
 *   renamed aside and the moved file is checked to be the very one judged
 *   stale (same nonce and inode) before it is dropped, so two waiters cannot
 *   both break it; one that moved a live lock by mistake links it back.
 *   A lock from another host is never judged stale (its pid means nothing
 *   here): a config dir shared between hosts waits, then gives up.
 * - While held, waiters retry with short jittered sleeps and give up after
 *   `waitMs` with a StateError naming the holder.
 * - Released in `finally`, and on process exit (not on a signal that kills
 *   the process: the next run finds the dead pid and takes the lock over).
 * - NOT re-entrant: calling withStateLock from inside `fn` for the same
 *   config dir throws at once rather than waiting for itself forever.
 *   Concurrent calls from one process simply queue like separate processes.
 */

export interface StateLockOptions {
  /** How long to wait for a held lock before giving up; default 10 minutes. */
  waitMs?: number;
  /** Called once, when the lock is first found held, with who holds it (e.g. to log "waiting for pid 123 on host (since …)"). */
  onWait?: (holder: string) => void;
  /** Stops waiting (e.g. the server is shutting down); a lock already held is unaffected. */
  signal?: AbortSignal;
}

export interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
  nonce: string;
  /** Linux only: the boot and the process start (ticks since boot) that make the pid one process. */
  bootId?: string;
  processStart?: string;
}

const DEFAULT_WAIT_MS = 10 * 60_000;
/** A live holder writes its owner line right after creating the file; an unreadable lock older than this was abandoned. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;
const RETRY_MIN_MS = 15;
const RETRY_JITTER_MS = 45;

/** lock path → nonce, for the exit handler and to recognise our own locks. */
const heldByThisProcess = new Map<string, string>();
/** Lock paths held by the current async call chain: detects re-entrance. */
const heldInContext = new AsyncLocalStorage<ReadonlySet<string>>();
let exitHandlerInstalled = false;

export async function withStateLock<T>(
  configDir: string,
  fn: () => Promise<T>,
  opts: StateLockOptions = {},
): Promise<T> {
  const path = lockPath(configDir);
  const outer = heldInContext.getStore();
  if (outer?.has(path)) {
    throw new StateError(`withStateLock is not re-entrant: ${path} is already held by this call chain`);
  }
  // Others who may write the dir could take or break the lock and replace the state: refused first.
  assertPrivateDir(configDir);
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const owner = await acquire(path, opts);
  try {
    return await heldInContext.run(new Set([...(outer ?? []), path]), fn);
  } finally {
    await release(path, owner);
  }
}

interface SeenLock {
  /** The file's text as read; compared byte for byte before breaking it. */
  text: string;
  owner: LockOwner | undefined;
  ino: number;
  mtimeMs: number;
}

async function acquire(path: string, opts: StateLockOptions): Promise<LockOwner> {
  const waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let announcedWait = false;
  const identity = { bootId: bootId(), processStart: processStart(process.pid) };
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: new Date().toISOString(),
      nonce: randomBytes(8).toString('hex'),
      ...identity,
    };
    if (await tryCreate(path, owner)) {
      heldByThisProcess.set(path, owner.nonce);
      installExitHandler();
      return owner;
    }
    const seen = await inspect(path);
    if (seen === undefined) continue; // released in between: try again at once
    if (isStale(seen)) {
      await breakStale(path, seen);
      continue;
    }
    if (Date.now() >= deadline) throw gaveUp(path, seen, waitMs);
    if (opts.signal?.aborted) throw new StateError(`stopped while waiting for the state lock ${path}`);
    if (!announcedWait) {
      announcedWait = true;
      opts.onWait?.(describeHolderText(seen));
    }
    const pause = RETRY_MIN_MS + Math.random() * RETRY_JITTER_MS;
    await sleep(Math.max(1, Math.min(pause, deadline - Date.now())));
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError(`cannot create the state lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await fh.writeFile(JSON.stringify(owner) + '\n', 'utf8');
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw new StateError(`cannot write the state lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  await fh.close();
  return true;
}

/** Reads a lock file; undefined when it no longer exists. */
async function inspect(path: string): Promise<SeenLock | undefined> {
  try {
    // stat before reading: an inode that changes after the read can only make the later comparison fail, never pass wrongly.
    const st = await stat(path);
    const text = await readFile(path, 'utf8');
    return { text, owner: parseOwner(text), ino: st.ino, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateError(`cannot read the state lock ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.pid !== 'number' || typeof o.hostname !== 'string' || typeof o.nonce !== 'string')
      return undefined;
    const field = (k: string) => (typeof o[k] === 'string' ? o[k] : undefined);
    return {
      pid: o.pid,
      hostname: o.hostname,
      nonce: o.nonce,
      startedAt: field('startedAt') ?? '',
      bootId: field('bootId'),
      processStart: field('processStart'),
    };
  } catch {
    return undefined;
  }
}

function isStale(seen: SeenLock): boolean {
  const owner = seen.owner;
  if (!owner) return Date.now() - seen.mtimeMs > UNREADABLE_LOCK_GRACE_MS;
  if (owner.hostname !== hostname()) return false;
  // Our own pid with a nonce we do not hold: left by an earlier process that
  // had the same pid (common in containers, where calsync is often pid 1).
  if (owner.pid === process.pid) return ![...heldByThisProcess.values()].includes(owner.nonce);
  if (!isProcessAlive(owner.pid)) return true;
  // Alive, but maybe not the process that took the lock (older locks lack these fields).
  const boot = bootId();
  if (owner.bootId && boot && owner.bootId !== boot) return true;
  const start = processStart(owner.pid);
  return owner.processStart !== undefined && start !== undefined && owner.processStart !== start;
}

async function breakStale(path: string, seen: SeenLock): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it first
    throw new StateError(`cannot take over the stale state lock ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const moved = await inspect(aside);
  if (moved && moved.text === seen.text && moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs) {
    await unlink(aside).catch(() => undefined);
    log.warn(`took over a stale state lock ${path}`, { ...describeHolder(seen) });
    return;
  }
  // Between our look and the rename, another waiter broke the stale lock and
  // took a new one, which we just moved: give it back (link fails rather than
  // overwrite if a third process has created one meanwhile).
  try {
    await link(aside, path);
  } catch (err) {
    log.warn(`could not restore a state lock moved by mistake: ${(err as Error).message}`, { path });
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function release(path: string, owner: LockOwner): Promise<void> {
  try {
    const current = await inspect(path).catch(() => undefined);
    // Only ever remove our own lock: if it was taken from us, the file is someone else's.
    if (current?.owner?.nonce === owner.nonce) await unlink(path).catch(() => undefined);
  } finally {
    // Forgotten only once the file is gone: until then a waiter in this
    // process must see the lock as ours (held), not as an earlier process's (stale).
    heldByThisProcess.delete(path);
  }
}

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  // 'exit' handlers must be synchronous: the event loop is already gone.
  process.on('exit', () => {
    for (const [path, nonce] of heldByThisProcess) {
      try {
        if (readFileSync(path, 'utf8').includes(nonce)) unlinkSync(path);
      } catch {
        // already gone or unreadable: nothing of ours to remove
      }
    }
  });
}

function describeHolder(seen: SeenLock): Record<string, unknown> {
  if (!seen.owner) return { holder: 'unreadable lock file' };
  return { pid: seen.owner.pid, host: seen.owner.hostname, since: seen.owner.startedAt };
}

function describeHolderText(seen: SeenLock): string {
  return seen.owner
    ? `pid ${seen.owner.pid} on ${seen.owner.hostname} (since ${seen.owner.startedAt})`
    : 'an unreadable lock file';
}

function gaveUp(path: string, seen: SeenLock, waitMs: number): StateError {
  const who = describeHolderText(seen);
  return new StateError(
    `the state lock ${path} is held by ${who}; gave up after ${waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`}`,
    {
      hint: `if no calsync process is running, remove ${path}`,
    },
  );
}
