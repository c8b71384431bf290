import { recordCleaned } from '../metrics/record.js';
import { log } from '../util/log.js';
import { entryCount, openState, readState, withStateLock } from '../state/index.js';
import { dropEntries, selectExpired, trustedNow, type CleanSelection } from './select.js';

export interface CleanOptions {
  configDir: string;
  olderThanMs: number;
  dryRun: boolean;
  now?: Date;
  /** SIGINT, SIGTERM: stops waiting for the state lock (the clean itself is local and quick: it finishes). */
  signal?: AbortSignal;
}

export interface CleanReport {
  dryRun: boolean;
  olderThanMs: number;
  /** Events that ended before this moment were candidates. */
  cutoff: string;
  before: number;
  /** Entries removed (or, with --dry-run, that would be). */
  removed: number;
  after: number;
  kept: CleanSelection['kept'];
  /** calendar id → entries removed there. */
  byCalendar: Record<string, number>;
}

/**
 * Drops the entries of long-ended events. The selection is taken under the
 * state lock, on the state as it is then, so a poll running at the same
 * time never loses an entry it just wrote. --dry-run reads without the lock
 * and writes nothing.
 */
export async function runClean(opts: CleanOptions): Promise<CleanReport> {
  const local = opts.now ?? new Date();
  if (opts.dryRun) {
    const state = await readState(opts.configDir);
    const now = trustedNow(state, local);
    const selection = selectExpired(state.events, now, opts.olderThanMs);
    const before = entryCount(state);
    return reportOf(opts, now, before, selection, selection.drop.length);
  }
  return withStateLock(
    opts.configDir,
    async () => {
      const store = await openState(opts.configDir);
      const before = entryCount(store.state);
      const now = trustedNow(store.state, local);
      const selection = selectExpired(store.state.events, now, opts.olderThanMs);
      const removed = dropEntries(store.state, selection.drop);
      if (removed > 0) {
        recordCleaned(store.state, removed);
        await store.save();
      }
      return reportOf(opts, now, before, selection, removed);
    },
    {
      // A clean that waits says for whom, as a poll does: a person at the terminal knows why nothing happens.
      onWait: (holder) => log.info(`another calsync process holds the state lock (${holder}); waiting`),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  );
}

function reportOf(
  opts: CleanOptions,
  now: Date,
  before: number,
  selection: CleanSelection,
  removed: number,
): CleanReport {
  const byCalendar: Record<string, number> = {};
  for (const { calendar } of selection.drop) byCalendar[calendar] = (byCalendar[calendar] ?? 0) + 1;
  return {
    dryRun: opts.dryRun,
    olderThanMs: opts.olderThanMs,
    cutoff: new Date(now.getTime() - opts.olderThanMs).toISOString(),
    before,
    removed,
    after: before - removed,
    kept: selection.kept,
    byCalendar,
  };
}

/** One line for humans: what was (or would be) dropped and what stays, and why. */
export function renderCleanReport(r: CleanReport, olderThan: string): string {
  const verb = r.dryRun ? 'would remove' : 'removed';
  const k = r.kept;
  const why = [
    k.recent ? `${k.recent} recent` : '',
    k['open-ended-series'] ? `${k['open-ended-series']} open-ended series` : '',
    k['pending-failure'] ? `${k['pending-failure']} pending retry` : '',
    k['no-end'] ? `${k['no-end']} without an end` : '',
  ].filter(Boolean);
  const kept = r.before - r.removed;
  return `${verb} ${r.removed} of ${r.before} event entries that ended more than ${olderThan} ago; kept ${kept}${why.length ? ` (${why.join(', ')})` : ''}\n`;
}
