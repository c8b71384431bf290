/**
 * Pure event logic: the defaults Google fills in, patch/update semantics,
 * times, instance ids of recurring series, and the per-viewer rendering.
 */
import { errors } from './google-errors.js';
import { isRecord } from './http-util.js';
import { newEventId } from './ids.js';
import type { GoogleEvent } from './types.js';

/** Fields the server owns: a client's values for them are ignored on patch and update. */
export const READ_ONLY_FIELDS = [
  'kind',
  'etag',
  'id',
  'created',
  'updated',
  'htmlLink',
  'iCalUID',
  'organizer',
  'creator',
  'eventType',
  'recurringEventId',
  'originalStartTime',
] as const;

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);

/** A fresh event as Google would store it, from what a client or a seed supplied. */
export function buildEvent(
  calendarId: string,
  input: GoogleEvent,
  creatorEmail: string,
  baseUrl: string,
): GoogleEvent {
  const id = input.id ?? newEventId();
  const now = new Date().toISOString();
  const event: GoogleEvent = {
    kind: 'calendar#event',
    ...stripSelfFlags(input),
    id,
    status: input.status ?? 'confirmed',
    htmlLink:
      input.htmlLink ??
      `${baseUrl}/calendar/event?eid=${Buffer.from(`${id} ${calendarId}`).toString('base64url')}`,
    created: input.created ?? now,
    updated: input.updated ?? now,
    creator: input.creator ? stripSelf(input.creator) : { email: creatorEmail },
    organizer: input.organizer ? stripSelf(input.organizer) : { email: calendarId },
    iCalUID: input.iCalUID ?? `${id}@google.com`,
    sequence: input.sequence ?? 0,
    reminders: input.reminders ?? { useDefault: true },
    eventType: input.eventType ?? 'default',
  };
  return event;
}

function stripSelf<T extends { self?: boolean | null }>(person: T): T {
  const copy = { ...person };
  delete copy.self;
  return copy;
}

/** `self` flags depend on the viewing calendar; they are computed when rendering, never stored. */
export function stripSelfFlags(event: GoogleEvent): GoogleEvent {
  const copy: GoogleEvent = structuredClone(event);
  if (copy.organizer) copy.organizer = stripSelf(copy.organizer);
  if (copy.creator) copy.creator = stripSelf(copy.creator);
  if (copy.attendees) copy.attendees = copy.attendees.map(stripSelf);
  return copy;
}

/** The event as seen in a calendar, with Google's per-copy `self` flags. */
export function renderEvent(event: GoogleEvent, calendarId: string): GoogleEvent {
  const copy: GoogleEvent = structuredClone(event);
  if (copy.organizer?.email === calendarId) copy.organizer.self = true;
  if (copy.creator?.email === calendarId) copy.creator.self = true;
  if (copy.attendees) for (const a of copy.attendees) if (a.email === calendarId) a.self = true;
  return copy;
}

/** The fields a calendar's reader sees of a private event it is no guest of (Google's free/busy view of it). */
const READER_FIELDS = [
  'kind',
  'etag',
  'id',
  'status',
  'htmlLink',
  'iCalUID',
  'created',
  'updated',
  'start',
  'end',
  'visibility',
  'recurrence',
  'recurringEventId',
  'originalStartTime',
] as const;

/**
 * The event as `account` sees it in a calendar it has `role` on. Google:
 * a private (or confidential) event shows to the calendar's readers as busy,
 * without title, description, place, guests or properties; writers and owners
 * of the calendar, and the event's own guests and organizer, see it all.
 */
export function renderAs(
  event: GoogleEvent,
  calendarId: string,
  viewer: { account: string; role: 'owner' | 'writer' | 'reader' | undefined },
): GoogleEvent {
  const full = renderEvent(event, calendarId);
  const hidden = event.visibility === 'private' || event.visibility === 'confidential';
  if (!hidden || viewer.role === 'owner' || viewer.role === 'writer') return full;
  const who = viewer.account.toLowerCase();
  const involved = [event.organizer, event.creator, ...(event.attendees ?? [])].some(
    (p) => p?.email?.toLowerCase() === who,
  );
  if (involved) return full;
  const out: Record<string, unknown> = {};
  for (const key of READER_FIELDS) if (full[key] !== undefined) out[key] = full[key];
  return out;
}

/**
 * A cancelled event in a listing: Google guarantees only `id` (sync guide), and
 * a cancelled occurrence keeps what identifies it within its series.
 */
export function renderCancelled(event: GoogleEvent): GoogleEvent {
  const out: GoogleEvent = {
    kind: 'calendar#event',
    etag: event.etag,
    id: event.id,
    status: 'cancelled',
    updated: event.updated,
  };
  if (event.recurringEventId) {
    out.recurringEventId = event.recurringEventId;
    out.originalStartTime = event.originalStartTime;
  }
  return out;
}

/**
 * Patch semantics: objects merge recursively, arrays replace whole, null
 * deletes a key (extendedProperties.private {"k": null}); start/end replace whole
 * so an all-day event can become a timed one.
 */
export function applyPatch(current: GoogleEvent, patch: Record<string, unknown>): GoogleEvent {
  const base = structuredClone(current) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (READ_ONLY.has(key)) continue;
    // start and end merge like every object (Google's patch does): turning a
    // timed event all-day needs `dateTime: null`, or it holds both (400).
    base[key] = mergeValue(base[key], value);
    if (base[key] === undefined) delete base[key];
  }
  return stripSelfFlags(base);
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (isRecord(patch) && isRecord(current)) {
    const out: Record<string, unknown> = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      const merged = mergeValue(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
    return out;
  }
  if (isRecord(patch)) return mergeValue({}, patch);
  return structuredClone(patch);
}

/** Update (PUT) semantics: the body replaces every writable field; what it omits is gone. */
export function applyUpdate(current: GoogleEvent, body: Record<string, unknown>): GoogleEvent {
  const next: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body))
    if (!READ_ONLY.has(key) && value !== null) next[key] = structuredClone(value);
  const cur = current as Record<string, unknown>;
  for (const key of READ_ONLY_FIELDS) if (cur[key] !== undefined) next[key] = cur[key];
  // status and reminders keep Google's defaults when a full update omits them.
  if (next.status === undefined) next.status = current.status ?? 'confirmed';
  if (next.reminders === undefined) next.reminders = { useDefault: true };
  if (next.sequence === undefined) next.sequence = current.sequence ?? 0;
  return stripSelfFlags(next);
}

/** The writable top-level fields whose values differ between two versions. */
export function changedFields(before: GoogleEvent, after: GoogleEvent): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out: string[] = [];
  for (const key of keys) {
    if (READ_ONLY.has(key) || key === 'sequence') continue;
    if (!sameValue(a[key], b[key])) out.push(key);
  }
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined && v[k] !== null) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

type EventTime = GoogleEvent['start'];

/** Milliseconds since the epoch; an all-day date counts from UTC midnight (the emulator's calendars are UTC). */
export function timeMs(t: EventTime | undefined): number | undefined {
  if (!t) return undefined;
  if (t.dateTime) {
    const ms = Date.parse(t.dateTime);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (t.date) {
    const ms = Date.parse(`${t.date}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Start and end must be there, parse, and not run backwards. */
export function validateTimes(event: GoogleEvent): void {
  if (!event.start || (!event.start.date && !event.start.dateTime))
    throw errors.required('Missing start time.');
  if (!event.end || (!event.end.date && !event.end.dateTime)) throw errors.required('Missing end time.');
  // A time is a date (all-day) or a dateTime, never both.
  if (event.start.date && event.start.dateTime) throw errors.invalid('Invalid start time.');
  if (event.end.date && event.end.dateTime) throw errors.invalid('Invalid end time.');
  const start = timeMs(event.start);
  const end = timeMs(event.end);
  if (start === undefined) throw errors.invalid('Invalid start time.');
  if (end === undefined) throw errors.invalid('Invalid end time.');
  if (end < start) throw errors.timeRangeEmpty();
}

/** Instance ids are `<masterId>_<YYYYMMDDTHHMMSSZ>` (timed) or `<masterId>_<YYYYMMDD>` (all-day). */
export function parseInstanceId(id: string): { masterId: string; stamp: string } | undefined {
  const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
  if (!m?.[1] || !m[2]) return undefined;
  return { masterId: m[1], stamp: m[2] };
}

export function instanceStamp(originalStart: EventTime): string | undefined {
  if (!originalStart) return undefined;
  if (originalStart.date) return originalStart.date.replaceAll('-', '');
  const ms = timeMs(originalStart);
  if (ms === undefined) return undefined;
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The occurrence of a series as an exception, before anyone changed it. */
export function materializeInstance(master: GoogleEvent, instanceId: string, stamp: string): GoogleEvent {
  const copy: GoogleEvent = structuredClone(master);
  delete copy.recurrence;
  const duration = (timeMs(master.end) ?? 0) - (timeMs(master.start) ?? 0);
  let originalStartTime: GoogleEvent['originalStartTime'];
  let start: GoogleEvent['start'];
  let end: GoogleEvent['end'];
  if (stamp.length === 8 || master.start?.date) {
    const date = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
    originalStartTime = { date };
    start = { date };
    end = {
      date: new Date(Date.parse(`${date}T00:00:00Z`) + Math.max(duration, 86_400_000))
        .toISOString()
        .slice(0, 10),
    };
  } else {
    const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
    const tz = master.start?.timeZone ?? undefined;
    originalStartTime = tz ? { dateTime: iso, timeZone: tz } : { dateTime: iso };
    start = tz ? { dateTime: iso, timeZone: tz } : { dateTime: iso };
    const endIso = new Date(Date.parse(iso) + duration).toISOString().replace('.000Z', 'Z');
    end = tz ? { dateTime: endIso, timeZone: tz } : { dateTime: endIso };
  }
  return { ...copy, id: instanceId, recurringEventId: master.id, originalStartTime, start, end };
}

/** The last moment a series can reach, from RRULE UNTIL; unbounded otherwise (COUNT is not expanded). */
export function seriesEndMs(event: GoogleEvent): number {
  let end = Number.POSITIVE_INFINITY;
  for (const line of event.recurrence ?? []) {
    const m = /UNTIL=(\d{8})(?:T(\d{6})Z?)?/.exec(line);
    if (!m?.[1]) continue;
    const d = m[1];
    const t = m[2] ?? '235959';
    const ms = Date.parse(
      `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}Z`,
    );
    if (!Number.isNaN(ms)) end = Math.min(end, ms + ((timeMs(event.end) ?? 0) - (timeMs(event.start) ?? 0)));
  }
  return end;
}
