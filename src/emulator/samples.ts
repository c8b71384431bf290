/**
 * Events exactly as Google makes them, per event type
 * (https://developers.google.com/workspace/calendar/api/guides/event-types).
 * Feed them to Emulator.seedEvent(); it fills in ids, etags and timestamps.
 */
import type { calendar_v3 } from '@googleapis/calendar';

type GoogleEvent = calendar_v3.Schema$Event;
type EventDateTime = calendar_v3.Schema$EventDateTime;
type Attendee = calendar_v3.Schema$EventAttendee;

/** A time: "2026-05-01" is all-day, anything with a "T" is a dateTime; objects pass through. */
export type TimeInput = string | EventDateTime;

export function toEventTime(t: TimeInput): EventDateTime {
  if (typeof t !== 'string') return { ...t };
  return t.includes('T') ? { dateTime: t } : { date: t };
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The yearly rule Google gives a 29 February birthday: the last day of February in other years. */
export const LEAP_DAY_RULE = 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1';

/** `birthdayProperties.type` (Event resource reference): Google's special dates since 2024. */
export type SpecialDateType = 'birthday' | 'anniversary' | 'custom' | 'other' | 'self';

/**
 * A special date as Google makes it: all-day, yearly, private, transparent,
 * of type birthday, with `birthdayProperties.type`. A contact's dates carry
 * the contact's resource name; `custom` carries its own label; `self` is the
 * account's own birthday (from its Google profile). A 29 February date recurs
 * with LEAP_DAY_RULE (the Event resource reference, birthdayProperties).
 */
export function specialDateEvent(o: {
  type: SpecialDateType;
  summary: string;
  date: string;
  contact?: string;
  customTypeName?: string;
}): GoogleEvent {
  const props: calendar_v3.Schema$EventBirthdayProperties = { type: o.type };
  if (o.contact) props.contact = o.contact;
  if (o.type === 'custom') props.customTypeName = o.customTypeName ?? 'Name day';
  return {
    eventType: 'birthday',
    summary: o.summary,
    start: { date: o.date },
    end: { date: nextDay(o.date) },
    recurrence: [o.date.slice(5) === '02-29' ? LEAP_DAY_RULE : 'RRULE:FREQ=YEARLY'],
    visibility: 'private',
    transparency: 'transparent',
    birthdayProperties: props,
    reminders: { useDefault: false },
  };
}

/** A contact's birthday: all-day, yearly, private, transparent (Google creates these from Contacts). */
export function birthdayEvent(o: { summary: string; date: string; contact?: string }): GoogleEvent {
  return specialDateEvent({ type: 'birthday', ...o });
}

/**
 * An event Gmail made before 2024-05-30: an ordinary `default` event whose
 * organizer is Gmail's placeholder (Google's event types guide: only events
 * created after that date are `fromGmail`). The account is a guest of it.
 */
export function legacyGmailEvent(o: {
  summary: string;
  start: TimeInput;
  end: TimeInput;
  location?: string;
  account: string;
}): GoogleEvent {
  const event: GoogleEvent = {
    eventType: 'default',
    summary: o.summary,
    start: toEventTime(o.start),
    end: toEventTime(o.end),
    organizer: { email: 'unknownorganizer@calendar.google.com', displayName: 'Unknown Organizer' },
    attendees: [{ email: o.account, responseStatus: 'accepted' }],
    visibility: 'private',
    guestsCanInviteOthers: false,
  };
  if (o.location !== undefined) event.location = o.location;
  return event;
}

/** An event Gmail created from a message (a flight, a booking): not insertable through the API. */
export function gmailEvent(o: {
  summary: string;
  start: TimeInput;
  end: TimeInput;
  location?: string;
  description?: string;
}): GoogleEvent {
  const event: GoogleEvent = {
    eventType: 'fromGmail',
    summary: o.summary,
    start: toEventTime(o.start),
    end: toEventTime(o.end),
    source: { title: o.summary, url: 'https://mail.google.com/mail?extsrc=cal&plid=ACUX6DMemulator' },
    visibility: 'private',
    guestsCanInviteOthers: false,
  };
  if (o.location !== undefined) event.location = o.location;
  if (o.description !== undefined) event.description = o.description;
  return event;
}

export function focusTimeEvent(o: { start: TimeInput; end: TimeInput; summary?: string }): GoogleEvent {
  return {
    eventType: 'focusTime',
    summary: o.summary ?? 'Focus time',
    start: toEventTime(o.start),
    end: toEventTime(o.end),
    transparency: 'opaque',
    focusTimeProperties: {
      autoDeclineMode: 'declineOnlyNewConflictingInvitations',
      chatStatus: 'doNotDisturb',
    },
  };
}

export function outOfOfficeEvent(o: { start: TimeInput; end: TimeInput; summary?: string }): GoogleEvent {
  return {
    eventType: 'outOfOffice',
    summary: o.summary ?? 'Out of office',
    start: toEventTime(o.start),
    end: toEventTime(o.end),
    transparency: 'opaque',
    outOfOfficeProperties: {
      autoDeclineMode: 'declineAllConflictingInvitations',
      declineMessage: 'Out of office',
    },
  };
}

export function workingLocationEvent(o: {
  date: string;
  type?: 'homeOffice' | 'officeLocation' | 'customLocation';
  label?: string;
}): GoogleEvent {
  const type = o.type ?? 'homeOffice';
  const props: calendar_v3.Schema$EventWorkingLocationProperties = { type };
  if (type === 'homeOffice') props.homeOffice = {};
  if (type === 'officeLocation') props.officeLocation = { label: o.label ?? 'Office' };
  if (type === 'customLocation') props.customLocation = { label: o.label ?? 'Elsewhere' };
  return {
    eventType: 'workingLocation',
    summary: type === 'homeOffice' ? 'Home' : (o.label ?? 'Office'),
    start: { date: o.date },
    end: { date: nextDay(o.date) },
    visibility: 'public',
    transparency: 'transparent',
    workingLocationProperties: props,
  };
}

/** An ordinary event; with an organizer other than the calendar it is someone else's invitation. */
export function meeting(o: {
  summary: string;
  start: TimeInput;
  end: TimeInput;
  organizer?: string;
  attendees?: (string | Attendee)[];
  recurrence?: string[];
  guestsCanInviteOthers?: boolean;
  location?: string;
  description?: string;
}): GoogleEvent {
  const event: GoogleEvent = {
    eventType: 'default',
    summary: o.summary,
    start: toEventTime(o.start),
    end: toEventTime(o.end),
  };
  if (o.organizer !== undefined) event.organizer = { email: o.organizer };
  if (o.attendees !== undefined) {
    event.attendees = o.attendees.map((a) =>
      typeof a === 'string' ? { email: a, responseStatus: 'needsAction' } : { ...a },
    );
  }
  if (o.recurrence !== undefined) event.recurrence = [...o.recurrence];
  if (o.guestsCanInviteOthers !== undefined) event.guestsCanInviteOthers = o.guestsCanInviteOthers;
  if (o.location !== undefined) event.location = o.location;
  if (o.description !== undefined) event.description = o.description;
  return event;
}
