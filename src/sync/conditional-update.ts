/**
 * Conditional updates: Google's cheapest write that overwrites no one's edit
 * (an update with If-Match, 1 quota unit, where a patch costs 3). Used by the
 * applier and by purge.
 */
import { classifyGoogleError } from '../google/google-error.js';
import type { GoogleAccess } from './api.js';
import type { EventRef, GoogleEvent } from './types.js';

/** Conditional updates tried before the event fails for this poll (each 412 means a person changed it meanwhile). */
const CONDITIONAL_TRIES = 3;

function isConditionNotMet(err: unknown): boolean {
  return classifyGoogleError(err).status === 412;
}

/**
 * Google's cheapest write that overwrites no one's edit: an update (PUT, 1
 * unit; a patch costs 3) of the event as last read, with `If-Match: <etag>`.
 * A 412 means someone changed it meanwhile: read it again (1 unit), merge
 * again, update again; after CONDITIONAL_TRIES the event fails for this poll.
 * `merge` returns the full resource to send, or undefined when nothing is to
 * change (then nothing is written). `first`: the event as already read or
 * listed, saving the first read.
 */
export async function updateConditionally(
  api: GoogleAccess,
  account: string,
  target: EventRef,
  merge: (current: GoogleEvent) => GoogleEvent | undefined,
  first?: GoogleEvent,
): Promise<{ writes: number }> {
  let current = first;
  for (let attempt = 1; ; attempt++) {
    current ??= (
      await api.call(account, 'events.get', (c) =>
        c.events.get({ calendarId: target.calendarId, eventId: target.eventId }),
      )
    ).data;
    const next = merge(current);
    if (!next) return { writes: 0 };
    const etag = current.etag ?? '';
    try {
      await api.call(account, 'events.update', (c) =>
        c.events.update(
          {
            calendarId: target.calendarId,
            eventId: target.eventId,
            sendUpdates: 'none',
            // The body is the event as read: its Meet link and attachments go back as they were, not dropped.
            conferenceDataVersion: 1,
            supportsAttachments: true,
            requestBody: next,
          },
          { headers: { 'If-Match': etag } },
        ),
      );
      return { writes: 1 };
    } catch (err) {
      if (!isConditionNotMet(err) || attempt >= CONDITIONAL_TRIES) throw err;
      current = undefined;
    }
  }
}

/**
 * The resource `current` with calsync's fields laid over it, for an update
 * (which replaces the whole event): a null field goes, the rest of the event
 * (attendees and their responses, reminders, colour, other private
 * properties) stays as it is, and calsync's own private properties merge in.
 */
export function overlay(current: GoogleEvent, fields: GoogleEvent): GoogleEvent {
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'id' || key === 'attendees' || key === 'extendedProperties') continue;
    if (value === null || (Array.isArray(value) && value.length === 0)) delete out[key];
    else out[key] = withoutNulls(value);
  }
  const ownPrivate = fields.extendedProperties?.private;
  if (ownPrivate)
    out.extendedProperties = {
      ...current.extendedProperties,
      private: { ...current.extendedProperties?.private, ...ownPrivate },
    };
  return out;
}

/** `{date, dateTime: null}` as `{date}`: an update replaces start and end whole. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** Whether laying `fields` over `current` would change anything (no write when not). */
function differs(current: GoogleEvent, next: GoogleEvent): boolean {
  return JSON.stringify(canonical(current)) !== JSON.stringify(canonical(next));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v !== 'object' || v === null) return v;
  const rec = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(rec)
      .sort()
      .filter((k) => rec[k] !== undefined && rec[k] !== null)
      .map((k) => [k, canonical(rec[k])]),
  );
}

/** An update that brings `current` to `fields` (and back to confirmed), or undefined when it is there already. */
export function follow(fields: GoogleEvent): (current: GoogleEvent) => GoogleEvent | undefined {
  return (current) => {
    const next = overlay(current, { ...fields, status: 'confirmed' });
    return differs(current, next) ? next : undefined;
  };
}
