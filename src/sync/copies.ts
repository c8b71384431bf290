import { isGmailEvent } from './event-kinds.js';
import type { CopyRule } from './ids.js';
import { copyMarker } from './ownership.js';
import { isPrivate } from './privacy.js';
import type { GoogleEvent } from './types.js';

/** The fields a copy or mirror takes from its source (what "follows" means). */
function followedFields(source: GoogleEvent): GoogleEvent {
  const out: GoogleEvent = {
    summary: source.summary ?? null,
    description: source.description ?? null,
    location: source.location ?? null,
    start: source.start ?? undefined,
    end: source.end ?? undefined,
  };
  if (source.recurrence?.length) out.recurrence = source.recurrence;
  return out;
}

/**
 * A full mirror's visibility: its source's when that is private or
 * confidential, as Google's own invitation copy keeps it, so the shared
 * calendar's readers see it as busy (privateEvents full shares it with the
 * calendar's writers, not its readers). Otherwise null: the mirror is reset to
 * the shared calendar's default. An update is a PUT of the copy as read with
 * these fields laid over it, where null takes the field out, and an event
 * without one is `default`; an unchanged public mirror then costs no write,
 * whether or not Google echoes `default` back. (Never `public`: how much a
 * public event shows is the shared calendar owner's to decide.)
 */
function mirrorVisibility(source: GoogleEvent): string | null {
  return isPrivate(source) ? (source.visibility ?? null) : null;
}

/** Who made it, from what, for which shared calendar (ownership.ts). */
export interface CopyOrigin {
  /** The shared calendar the copy serves (`targetOf`). */
  target: string;
  sourceCalendarId: string;
}

function marker(
  origin: CopyOrigin,
  source: GoogleEvent,
  rule: CopyRule | 'busy',
): GoogleEvent['extendedProperties'] {
  return { private: copyMarker(origin.target, origin.sourceCalendarId, source.id ?? '', rule) };
}

/** The shared calendar as the copy's guest; none for a copy made on the shared calendar itself. */
function guest(inviteEmail: string | undefined): GoogleEvent {
  return inviteEmail ? { attendees: [{ email: inviteEmail }] } : {};
}

/**
 * A birthday as an ordinary all-day yearly event: Google allows no attendees
 * and no private properties on `birthday` events, so the shareable copy is a
 * `default` event carrying both.
 */
export function birthdayCopy(
  origin: CopyOrigin,
  source: GoogleEvent,
  id: string,
  inviteEmail: string | undefined,
): GoogleEvent {
  return {
    id,
    ...followedFields(source),
    recurrence: source.recurrence?.length ? source.recurrence : ['RRULE:FREQ=YEARLY'],
    transparency: 'transparent',
    ...guest(inviteEmail),
    extendedProperties: marker(origin, source, 'birthday'),
  };
}

/** A Gmail event (flight, reservation) as an ordinary event with a link back. */
export function gmailCopy(
  origin: CopyOrigin,
  source: GoogleEvent,
  id: string,
  inviteEmail: string | undefined,
): GoogleEvent {
  const link = source.htmlLink ? `\n\nFrom Gmail: ${source.htmlLink}` : '';
  return {
    id,
    ...followedFields(source),
    description: `${source.description ?? ''}${link}`.trim() || null,
    ...guest(inviteEmail),
    extendedProperties: marker(origin, source, 'gmail'),
  };
}

/** An event someone else organizes, shown on the shared calendar without touching the original. */
export function mirrorOf(origin: CopyOrigin, source: GoogleEvent, id: string): GoogleEvent {
  const organizer = source.organizer?.displayName ?? source.organizer?.email;
  const note = organizer ? `Organized by ${organizer}.` : '';
  const visibility = mirrorVisibility(source);
  return {
    id,
    ...followedFields(source),
    description: [source.description, note].filter(Boolean).join('\n\n') || null,
    transparency: source.transparency ?? null,
    // An insert leaves a public source's out (the calendar's default); followPatch resets it.
    ...(visibility ? { visibility } : {}),
    extendedProperties: marker(origin, source, 'mirror'),
  };
}

/**
 * A busy block: the time of a source the shared calendar may not see in
 * detail (sync/privacy.ts), in the mirror's id space. Its start, end (timed
 * or all-day), recurrence, busy, the title from busyTitle, calsync's marker;
 * nothing else of the source: no description, place, guests, conference or
 * attachments (null: an update from a mirror in place takes them away).
 * Visibility `default`: the block holds nothing private, and the shared
 * calendar's owner decides how its events show to the calendar's readers.
 */
export function busyBlock(origin: CopyOrigin, source: GoogleEvent, id: string, title: string): GoogleEvent {
  const out: GoogleEvent = {
    id,
    ...busyFields(source, title),
    extendedProperties: marker(origin, source, 'busy'),
  };
  if (source.recurrence?.length) out.recurrence = source.recurrence;
  return out;
}

/** The update that brings a mirror or busy block to a busy block of its source (in place). */
export function busyFollowPatch(origin: CopyOrigin, source: GoogleEvent, title: string): GoogleEvent {
  const { id: _id, ...patch } = busyBlock(origin, source, '', title);
  return asPatch({
    ...patch,
    recurrence: patch.recurrence ?? [],
    status: 'confirmed',
  });
}

/** A changed occurrence of a series shared as a busy block: its time, and the block's title. */
export function busyOccurrencePatch(source: GoogleEvent, title: string): GoogleEvent {
  return asPatch({ ...busyFields(source, title), status: 'confirmed' });
}

/** What a busy block shows of its source, and what it takes away (null). */
function busyFields(source: GoogleEvent, title: string): GoogleEvent {
  return {
    summary: title,
    description: null,
    location: null,
    start: source.start ?? undefined,
    end: source.end ?? undefined,
    transparency: 'opaque',
    visibility: 'default',
  };
}

/**
 * A body fit for events.patch. Google's patch merges into the stored start
 * and end, so a time says which form it is not (null clears it): a copy that
 * turns from timed to all-day, or back, must not end up holding both (400
 * "Invalid start time.").
 */
export function asPatch(body: GoogleEvent): GoogleEvent {
  const time = (t: GoogleEvent['start']) =>
    t ? (t.date ? { ...t, dateTime: null } : { ...t, date: null }) : t;
  return {
    ...body,
    ...(body.start ? { start: time(body.start) } : {}),
    ...(body.end ? { end: time(body.end) } : {}),
  };
}

/** The patch that brings an existing copy up to date with its source. */
export function followPatch(
  rule: CopyRule,
  origin: CopyOrigin,
  source: GoogleEvent,
  inviteEmail: string,
): GoogleEvent {
  const full =
    rule === 'birthday'
      ? birthdayCopy(origin, source, '', inviteEmail)
      : rule === 'gmail'
        ? gmailCopy(origin, source, '', inviteEmail)
        : mirrorOf(origin, source, '');
  // Attendees are left alone on update: a person may have changed them.
  // Patch replaces arrays whole: an empty recurrence turns a series back into one event.
  const { id: _id, attendees: _attendees, ...patch } = full;
  // A mirror follows its source's visibility both ways: a mirror made private is made default again.
  const visibility = rule === 'mirror' ? { visibility: mirrorVisibility(source) } : {};
  return asPatch({ ...patch, ...visibility, recurrence: full.recurrence ?? [], status: 'confirmed' });
}

/**
 * What a changed occurrence of a mirrored series looks like on the mirror, and
 * of a copied birthday series on its copy (the rules use this for both).
 */
export function occurrencePatch(source: GoogleEvent): GoogleEvent {
  const { recurrence: _r, ...fields } = followedFields(source);
  // An occurrence keeps its own visibility as the mirror's does; a birthday or Gmail copy stays
  // the clean shareable copy its rule makes (such events are private by Google's default).
  const clean = source.eventType === 'birthday' || isGmailEvent(source);
  const visibility = clean ? {} : { visibility: mirrorVisibility(source) };
  // An occurrence cancelled earlier and restored since comes back too.
  return asPatch({ ...fields, ...visibility, status: 'confirmed' });
}
