import { StateError } from '../errors.js';
import { epochSeconds } from '../util/time.js';
import { EVENT_COLUMNS, encodeRow } from './event-row.js';
import { STATE_VERSION } from './types.js';
import type { ProcessedEvent } from './types.js';

/**
 * Schema migrations of state.json. Each step takes the raw object of version
 * N and returns version N+1; `migrate` chains them up to STATE_VERSION.
 * Purely additive changes (a new optional key) need no step: shape.ts fills
 * missing keys with defaults.
 */

type Raw = Record<string, unknown>;

/** Indexed by the version a step migrates FROM. */
const STEPS: ReadonlyArray<(raw: Raw) => Raw> = [
  // 0 → 1: the pre-release layout had the same keys but no "version" field
  // (and older files may lack "channels", "accounts" or "metrics", which
  // shape.ts fills in). Nothing else to convert.
  (raw) => ({ ...raw, version: 1 }),
  // 1 → 2: processed-event times become numbers (at, end, failure.at in
  // seconds, sourceUpdated in ms) so a large state loads and saves faster.
  (raw) => ({ ...raw, events: compactEventTimes(raw.events), version: 2 }),
  // 2 → 3: each calendar's entries become a list of rows of text
  // (event-row.ts), which load and save several times faster.
  (raw) => ({ ...raw, eventColumns: EVENT_COLUMNS, events: entriesToRows(raw.events), version: 3 }),
  // 3 → 4: two new columns at the end of the rows, `parked` (events Google
  // keeps refusing) and `delivery` (invitations awaited on the shared
  // calendar), and the optional top-level "delivery" section; rows naming
  // fewer columns read them as absent.
  (raw) => ({ ...raw, eventColumns: EVENT_COLUMNS, version: 4 }),
  // 4 → 5: a new value of the `rule` column, `busy` (a busy block on the
  // shared calendar, sync/privacy.ts). Nothing to convert; the bump makes an
  // older calsync refuse the file rather than read a busy block as a copy and
  // bring the private event's details back with it.
  (raw) => ({ ...raw, version: 5 }),
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function entriesToRows(events: unknown): unknown {
  if (!isObject(events)) return events;
  const out: Record<string, unknown> = {};
  for (const [calendarId, perCalendar] of Object.entries(events)) {
    // Left as it is: shape.ts reports the file as corrupt, as it did in v2.
    if (!isObject(perCalendar)) {
      out[calendarId] = perCalendar;
      continue;
    }
    const rows: string[] = [];
    for (const [id, entry] of Object.entries(perCalendar))
      if (isObject(entry)) rows.push(encodeRow(id, entryFrom(entry)));
    out[calendarId] = rows;
  }
  return out;
}

/** A v2 entry with only the fields of their declared types: v2 entries were never checked. */
function entryFrom(raw: Record<string, unknown>): ProcessedEvent {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const failure = isObject(raw.failure)
    ? {
        reason: str(raw.failure.reason) ?? '',
        at: num(raw.failure.at) ?? 0,
        attempts: num(raw.failure.attempts) ?? 0,
      }
    : undefined;
  return {
    action: str(raw.action) ?? 'unknown',
    at: num(raw.at) ?? 0,
    end: num(raw.end),
    recurring: raw.recurring === true ? true : undefined,
    rule: str(raw.rule) as ProcessedEvent['rule'],
    copyCalendar: str(raw.copyCalendar),
    copyId: str(raw.copyId),
    sourceUpdated: num(raw.sourceUpdated),
    failure,
  };
}

function compactEventTimes(events: unknown): unknown {
  if (typeof events !== 'object' || events === null) return events;
  const seconds = (v: unknown) => (typeof v === 'string' ? epochSeconds(v) : v);
  for (const perCalendar of Object.values(events as Record<string, unknown>)) {
    if (typeof perCalendar !== 'object' || perCalendar === null) continue;
    for (const entry of Object.values(perCalendar as Record<string, Record<string, unknown>>)) {
      if (typeof entry !== 'object' || entry === null) continue;
      entry.at = seconds(entry.at) ?? 0;
      if ('end' in entry) entry.end = seconds(entry.end);
      if (typeof entry.sourceUpdated === 'string') entry.sourceUpdated = Date.parse(entry.sourceUpdated);
      const failure = entry.failure as Record<string, unknown> | undefined;
      if (failure && typeof failure === 'object') failure.at = seconds(failure.at) ?? 0;
    }
  }
  return events;
}

/** The version a file declares: 0 when it has none (pre-release files). */
export function declaredVersion(raw: Raw): number | 'invalid' {
  const v = raw.version;
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return 'invalid';
  return v;
}

/**
 * Refuses a file written by a newer calsync: its meaning is unknown to this
 * code, so it must be neither guessed at nor overwritten.
 */
export function assertNotNewer(version: number, path: string): void {
  if (version > STATE_VERSION) {
    throw new StateError(
      `state.json was written by a newer calsync (version ${version}); this one knows up to version ${STATE_VERSION} and left ${path} untouched`,
      { hint: 'upgrade calsync' },
    );
  }
}

/**
 * Refuses rows with columns this version does not know, whatever the version
 * says: dropping one could change an entry's meaning (a copy in doubt read as
 * made), and moving the file aside would lose every sync token. A new column
 * comes with a version bump; this guards against one made without.
 */
export function assertColumnsNotNewer(raw: Raw, path: string): void {
  const columns = raw.eventColumns;
  if (typeof columns === 'string' && columns.startsWith(`${EVENT_COLUMNS} `)) {
    throw new StateError(
      `state.json has event columns this calsync does not know (${columns.slice(EVENT_COLUMNS.length + 1)}); it left ${path} untouched`,
      {
        hint: 'upgrade calsync',
      },
    );
  }
}

export function migrate(raw: Raw, fromVersion: number): Raw {
  let current = raw;
  for (let v = fromVersion; v < STATE_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new StateError(`no migration of state.json from version ${v}`);
    current = step(current);
  }
  return current;
}
