/**
 * Events Google always refuses (an end before its start: 400 timeRangeEmpty)
 * would fail every poll of their calendar for ever, and its last success
 * would never move. After PARK_AFTER_TRIES refusals such an event is parked:
 * no longer retried every poll, reported on its own in health-check, and
 * tried again when its source changes (its `updated` moves) or on
 * `calsync poll --retry-failed`.
 */
import type { GoogleErrorInfo } from '../google/google-error.js';
import type { EventTable } from '../state/index.js';
import type { ProcessedEvent, State } from '../state/types.js';
import { epochMs } from '../util/time.js';
import type { Outcome } from './apply.js';
import type { Action, GoogleEvent } from './types.js';

/** Refusals in a row (polls that tried it) before an event is parked. */
export const PARK_AFTER_TRIES = 3;

/** Longest title kept in the state for the warning. */
const TITLE_MAX = 80;

/** Only Google's refusals park: usage limits, outages and sign-in problems are not the event's fault. */
function isRefusal(error: GoogleErrorInfo | undefined): boolean {
  return error?.kind === 'permanent' && error.status !== undefined && error.status !== 401;
}

/**
 * Parks the event after its failure was recorded (recordOutcome), when Google
 * refused it often enough. Returns the refusals so far when it is parked now, else 0.
 */
export function parkIfRefused(
  state: State,
  calendarId: string,
  action: Action,
  outcome: Outcome,
  title: string | undefined,
): number {
  if (outcome.authError || outcome.stopped || !isRefusal(outcome.error)) return 0;
  const entries = state.events[calendarId];
  const entry = entries?.get(action.source.eventId);
  if (!entries || !entry?.failure || entry.failure.attempts < PARK_AFTER_TRIES) return 0;
  const parked: NonNullable<ProcessedEvent['parked']> = {};
  if (action.source.updated !== undefined) parked.updated = action.source.updated;
  if (title) parked.title = title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX)}…` : title;
  entries.set(action.source.eventId, { ...entry, parked });
  return entry.failure.attempts;
}

/** Whether a listed event is parked and has not changed since (pure: the rules ask). */
export function parkedUnchanged(entry: ProcessedEvent | undefined, event: GoogleEvent): boolean {
  if (!entry?.parked || event.status === 'cancelled') return false;
  return entry.parked.updated !== undefined && entry.parked.updated === epochMs(event.updated);
}

/** Why a parked event is skipped, for reports. */
export function parkedReason(entry: ProcessedEvent): string {
  const f = entry.failure;
  return `parked: Google refused it ${f?.attempts ?? PARK_AFTER_TRIES} times (${f?.reason ?? 'refused'}); retried when it changes, or with calsync poll --retry-failed`;
}

export function isParked(table: EventTable | undefined, id: string): boolean {
  return table?.get(id)?.parked !== undefined;
}

export interface ParkedEvent {
  calendarId: string;
  eventId: string;
  entry: ProcessedEvent;
}

/** Every parked event of these calendars (only entries with a pending failure are decoded). */
export function parkedEvents(state: State, calendars: readonly string[]): ParkedEvent[] {
  const out: ParkedEvent[] = [];
  for (const calendarId of calendars) {
    const table = state.events[calendarId];
    if (!table) continue;
    for (const eventId of table.pendingIds()) {
      const entry = table.get(eventId);
      if (entry?.parked) out.push({ calendarId, eventId, entry });
    }
  }
  return out;
}
