/**
 * The trace a poll leaves when its configuration stops it before it starts
 * (`poll-failure.json` beside state.json): health-check and `calsync status`
 * read it and report CRITICAL at once, instead of OK until the last success
 * goes stale.
 *
 * A file of its own, not a field of state.json: such a poll has no usable
 * settings, so it must not take the state lock nor rewrite a state file it
 * never read (which may be large, or the very thing that is broken); one
 * small atomic write is all it does. A poll that gets past its configuration
 * removes the file, so it says only what the latest poll met.
 */
import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

export const POLL_FAILURE_FILE = 'poll-failure.json';

export interface PollConfigFailure {
  /** When polls first failed this way (kept while the same message repeats). */
  since: string;
  /** The latest poll that failed so. */
  at: string;
  message: string;
  /** The command that fixes it, from the error. */
  hint?: string;
}

export function pollFailurePath(configDir: string): string {
  return join(configDir, POLL_FAILURE_FILE);
}

/** Remembers why a poll could not start. Never throws: the poll's own error is what the user must see. */
export async function recordPollConfigFailure(
  configDir: string,
  message: string,
  hint: string | undefined,
  now = new Date(),
): Promise<void> {
  // Nothing is created for it: a config dir that does not exist has no monitor reading it either.
  if (!existsSync(configDir)) return;
  try {
    const prev = await readPollConfigFailure(configDir);
    const record: PollConfigFailure = {
      since: prev?.message === message ? prev.since : now.toISOString(),
      at: now.toISOString(),
      message,
      ...(hint ? { hint } : {}),
    };
    await writeFileAtomic(pollFailurePath(configDir), JSON.stringify(record) + '\n', 0o600);
  } catch {
    // A read-only or full config dir: the exit status still tells the timer's journal.
  }
}

/** A poll got past its configuration: any earlier trace is history. */
export async function clearPollConfigFailure(configDir: string): Promise<void> {
  await unlink(pollFailurePath(configDir)).catch(() => undefined);
}

/** The trace, if any; an unreadable or malformed file reads as none. */
export async function readPollConfigFailure(configDir: string): Promise<PollConfigFailure | undefined> {
  let raw: string;
  try {
    raw = await readFile(pollFailurePath(configDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(raw) as Partial<PollConfigFailure>;
    if (typeof v.since !== 'string' || typeof v.at !== 'string' || typeof v.message !== 'string')
      return undefined;
    return {
      since: v.since,
      at: v.at,
      message: v.message,
      ...(typeof v.hint === 'string' ? { hint: v.hint } : {}),
    };
  } catch {
    return undefined;
  }
}
