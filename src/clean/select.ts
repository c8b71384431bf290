import type { ProcessedEvent, State } from '../state/types.js';

/** Why an entry stays although `clean` looked at it. */
export type KeepReason = 'recent' | 'open-ended-series' | 'pending-failure' | 'no-end';

export interface CleanSelection {
  /** calendar id → source event ids to drop. */
  drop: Array<{ calendar: string; id: string }>;
  /** How many entries stay, by reason. */
  kept: Record<KeepReason, number>;
}

/**
 * Decides one entry. An entry is dropped only when its event ended before the
 * cutoff and no future change can still need it:
 * - a recurring series without an end keeps producing occurrences, whose
 *   changes must find the series' copy or mirror;
 * - an entry with a pending failure is what makes the next poll retry it;
 * - an entry without an end (or with one that does not parse) cannot be
 *   judged, so it stays rather than risk a second copy.
 */
export function keepReason(entry: ProcessedEvent, cutoffMs: number): KeepReason | undefined {
  if (entry.failure) return 'pending-failure';
  if (entry.recurring && !entry.end) return 'open-ended-series';
  // `end` is seconds since the epoch; an all-day event's (exclusive) end day
  // counts from UTC midnight: a day of slack either way does not matter
  // against a 30-day threshold.
  if (typeof entry.end !== 'number' || !Number.isFinite(entry.end)) return 'no-end';
  return entry.end * 1000 < cutoffMs ? undefined : 'recent';
}

/**
 * The moment `clean` counts back from: the local clock, but never later than
 * Google's time as the last poll saw it (its Date header, in the state). A
 * clock far ahead would otherwise drop the entries of events that have not
 * ended, and their copies would be orphaned. Google's time only moves on, so
 * the last one seen is a safe lower bound; the cost is that entries wait for
 * the time since that poll longer (minutes, against a 30-day threshold).
 * A state no poll has stamped yet uses the local clock.
 */
export function trustedNow(state: Pick<State, 'calendars'>, local: Date): Date {
  let google: number | undefined;
  for (const cal of Object.values(state.calendars)) {
    const t = cal.googleTime ? Date.parse(cal.googleTime) : Number.NaN;
    if (!Number.isNaN(t) && (google === undefined || t > google)) google = t;
  }
  return google !== undefined && google < local.getTime() ? new Date(google) : local;
}

/** Which entries `clean` drops: those whose event ended more than `olderThanMs` before `now`. */
export function selectExpired(events: State['events'], now: Date, olderThanMs: number): CleanSelection {
  const cutoff = now.getTime() - olderThanMs;
  const selection: CleanSelection = {
    drop: [],
    kept: { recent: 0, 'open-ended-series': 0, 'pending-failure': 0, 'no-end': 0 },
  };
  for (const [calendar, perCalendar] of Object.entries(events)) {
    for (const [id, entry] of perCalendar.entries()) {
      const reason = keepReason(entry, cutoff);
      if (reason) selection.kept[reason] += 1;
      else selection.drop.push({ calendar, id });
    }
  }
  return selection;
}

/** Removes the selected entries, and calendars left without any. Returns how many were removed. */
export function dropEntries(state: State, drop: CleanSelection['drop']): number {
  let removed = 0;
  for (const { calendar, id } of drop) {
    const perCalendar = state.events[calendar];
    if (!perCalendar?.delete(id)) continue;
    removed += 1;
    if (perCalendar.size === 0) delete state.events[calendar];
  }
  return removed;
}
