/**
 * What kind of special event a source is, beyond its `eventType`: Gmail
 * events from before 2024-05-30 and the read-only contacts-birthday calendar.
 * Pure; the rules and the configuration check use it.
 */
import type { GoogleEvent } from './types.js';

/** `birthdayProperties.type` values (Calendar API reference, Event resource); the setting birthdayTypes picks among them. */
export { BIRTHDAY_TYPE_NAMES as BIRTHDAY_TYPES } from '../config/values.js';

/**
 * Events Gmail created before 2024-05-30 are `default` events with this
 * organizer; only later ones are `fromGmail` with the mailbox owner as
 * organizer (Google's event types guide, "fromGmail" section).
 */
export const LEGACY_GMAIL_ORGANIZER = 'unknownorganizer@calendar.google.com';

/** The old read-only "Birthdays" calendar some accounts still list (contacts' birthdays, before eventType birthday). */
export const CONTACTS_BIRTHDAY_CALENDAR = 'addressbook#contacts@group.v.calendar.google.com';

/** A Gmail event: `fromGmail`, or a pre-2024-05-30 `default` event organized by Gmail's placeholder. */
export function isGmailEvent(event: GoogleEvent): boolean {
  const type = event.eventType ?? 'default';
  if (type === 'fromGmail') return true;
  return type === 'default' && (event.organizer?.email ?? '').toLowerCase() === LEGACY_GMAIL_ORGANIZER;
}

/** The special-date type of a birthday event; events from before the field existed count as `birthday`. */
export function birthdayTypeOf(event: GoogleEvent): string {
  return event.birthdayProperties?.type ?? 'birthday';
}

export function isContactsBirthdayCalendar(calendarId: string): boolean {
  return calendarId.toLowerCase() === CONTACTS_BIRTHDAY_CALENDAR;
}
