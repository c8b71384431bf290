/**
 * What Google allows per event type and per role
 * (https://developers.google.com/workspace/calendar/api/guides/event-types).
 */
import { changedFields, timeMs } from './event-model.js';
import { errors } from './google-errors.js';
import type { CalendarRecord } from './store.js';
import type { GoogleEvent } from './types.js';

const KNOWN_TYPES = new Set([
  'default',
  'birthday',
  'fromGmail',
  'focusTime',
  'outOfOffice',
  'workingLocation',
]);
const PRIMARY_ONLY = new Set(['focusTime', 'outOfOffice', 'workingLocation']);

/** Fields an update may change, per event type (others answer 400 eventTypeRestriction). */
const UPDATABLE_BY_TYPE: Record<string, ReadonlySet<string>> = {
  fromGmail: new Set([
    'colorId',
    'reminders',
    'visibility',
    'transparency',
    'status',
    'attendees',
    'extendedProperties',
  ]),
  birthday: new Set(['colorId', 'summary', 'reminders', 'start', 'end']),
};

/** What a guest may change on its copy of someone else's event. */
const GUEST_FIELDS = new Set(['reminders', 'colorId', 'transparency']);

export function validateInsertType(cal: CalendarRecord, event: GoogleEvent): void {
  const type = event.eventType ?? 'default';
  if (!KNOWN_TYPES.has(type)) throw errors.invalid(`Invalid event type: ${type}.`);
  if (type === 'fromGmail')
    throw errors.eventTypeCreate("Events of type 'fromGmail' cannot be created through the API.");
  if (type === 'birthday') validateBirthday(event, 'create');
  if (PRIMARY_ONLY.has(type)) {
    if (!cal.primary)
      throw errors.eventTypeCreate(`Events of type '${type}' can only be created on primary calendars.`);
    if ((event.attendees ?? []).length > 0)
      throw errors.eventTypeCreate(`Events of type '${type}' cannot have attendees.`);
  }
}

/** Birthday events: all-day, one day, private, transparent, yearly, no guests, no private properties. */
function validateBirthday(event: GoogleEvent, action: 'create' | 'modify'): void {
  const fail = () =>
    errors.eventTypeCreate(
      `Attempt made to ${action} 'birthday' event in a way that is not valid for this event type.`,
    );
  const start = event.start?.date;
  const end = event.end?.date;
  if (!start || !end || event.start?.dateTime || event.end?.dateTime) throw fail();
  if ((timeMs({ date: end }) ?? 0) - (timeMs({ date: start }) ?? 0) !== 86_400_000) throw fail();
  if (action === 'modify') return;
  if (event.visibility !== 'private' || event.transparency !== 'transparent') throw fail();
  if (!(event.recurrence ?? []).some((r) => /^RRULE:.*FREQ=YEARLY/.test(r))) throw fail();
  if ((event.attendees ?? []).length > 0) throw fail();
  // Event resource reference, birthdayProperties.type: "The Calendar API only
  // supports creating events with the type 'birthday'."
  if ((event.birthdayProperties?.type ?? 'birthday') !== 'birthday') throw fail();
  if (event.extendedProperties?.private && Object.keys(event.extendedProperties.private).length > 0)
    throw fail();
}

/**
 * Checks a change to an existing event. The organizer's copy is the one in the
 * calendar named by organizer.email; every other copy belongs to a guest.
 */
export function validateChange(cal: CalendarRecord, before: GoogleEvent, after: GoogleEvent): void {
  const changed = changedFields(before, after);
  if (changed.length === 0) return;
  const type = before.eventType ?? 'default';
  const allowed = UPDATABLE_BY_TYPE[type];
  if (allowed && changed.some((f) => !allowed.has(f))) throw errors.eventTypeRestriction(type);
  if (type === 'birthday' && (changed.includes('start') || changed.includes('end'))) {
    // Event types guide: the dates of a birthday linked to a contact, or of the account's own, cannot change.
    if (before.birthdayProperties?.contact || before.birthdayProperties?.type === 'self')
      throw errors.eventTypeRestriction(type);
    validateBirthday(after, 'modify');
  }
  if (PRIMARY_ONLY.has(type) && (after.attendees ?? []).length > 0) {
    throw errors.eventTypeCreate(`Events of type '${type}' cannot have attendees.`);
  }
  if (before.organizer?.email !== cal.id) validateGuestChange(before, after, changed);
}

function validateGuestChange(before: GoogleEvent, after: GoogleEvent, changed: string[]): void {
  for (const field of changed) {
    if (GUEST_FIELDS.has(field)) continue;
    if (field === 'attendees' && before.guestsCanInviteOthers !== false) continue;
    if (field === 'extendedProperties') {
      // Only the guest's own (private) properties are its to change.
      const shared =
        JSON.stringify(before.extendedProperties?.shared ?? {}) ===
        JSON.stringify(after.extendedProperties?.shared ?? {});
      if (shared) continue;
    }
    throw errors.forbiddenForNonOrganizer();
  }
}
