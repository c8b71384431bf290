/**
 * Whose copies are whose. Every copy, mirror and busy block names the shared
 * calendar it serves (`calsyncTarget`), and every invite marker on a source
 * event names the shared calendar invited (one key per shared calendar), so
 * several installs (or profiles) sharing a source account each see their own
 * and leave the others' alone. The previous release wrote neither: its copies
 * and markers belong to the install whose shared calendar they live on or
 * name as guest. Pure: the rules, the applier, purge and explain ask here.
 */
import { createHash } from 'node:crypto';
import { normalizeEmail, sameEmail } from '../util/email.js';
import { isCopyId, splitInstanceId } from './ids.js';
import { MARKER, type GoogleEvent } from './types.js';

/** The shared calendar as ids and markers name it: the invite address, trimmed and in lower case. */
export function targetOf(inviteEmail: string | null | undefined): string {
  return normalizeEmail(inviteEmail);
}

/**
 * The private key of the invite marker for one shared calendar. One key per
 * shared calendar, so installs inviting their own shared calendars to the same
 * event never overwrite each other's marker (private properties of a copy are
 * a flat key/value map). Short: Google caps a property's key in length.
 */
export function invitedMarkerKey(target: string): string {
  const digest = createHash('sha256').update(target).digest('hex');
  return `${MARKER.invited}_${digest.slice(0, 12)}`;
}

/** The private properties that mark a copy, mirror or busy block of this install. */
export function copyMarker(target: string, sourceCalendarId: string, sourceEventId: string, rule: string) {
  return {
    [MARKER.source]: `${sourceCalendarId}/${sourceEventId}`,
    [MARKER.rule]: rule,
    [MARKER.target]: target,
  };
}

/** `none`: no calsync marker; `mine`: this install's; `theirs`: another install's. */
export type Ownership = 'none' | 'mine' | 'theirs';

/**
 * Whose copy an event is. `livesOn`: the calendar it was read from. A copy of
 * the previous release (no target) is this install's when it lives on this
 * install's shared calendar, or names it as guest.
 */
export function copyOwnership(event: GoogleEvent, livesOn: string, target: string): Ownership {
  const props = event.extendedProperties?.private;
  if (!props?.[MARKER.source]) return 'none';
  const named = props[MARKER.target];
  if (named !== undefined) return targetOf(named) === target ? 'mine' : 'theirs';
  if (sameEmail(livesOn, target)) return 'mine';
  return (event.attendees ?? []).some((a) => sameEmail(a.email, target)) ? 'mine' : 'theirs';
}

/** The source calendar a copy's marker names (`<calendar>/<event id>`). */
export function markedSourceCalendar(event: GoogleEvent): string | undefined {
  const source = event.extendedProperties?.private?.[MARKER.source];
  if (!source) return undefined;
  const slash = source.lastIndexOf('/');
  return slash < 0 ? source : source.slice(0, slash);
}

/** Whether a copy names no shared calendar yet (the previous release made it). */
export function isLegacyCopy(event: GoogleEvent): boolean {
  const props = event.extendedProperties?.private;
  return Boolean(props?.[MARKER.source]) && props?.[MARKER.target] === undefined;
}

/**
 * What a calsync-marked event read from a source calendar is to this install:
 * its own (skipped: calsync made it), another install's copy of one of this
 * install's own sources (left alone: this install makes its own from the
 * original), or an ordinary event (another install's mirror on a calendar this
 * one reads as a source: chained households).
 */
export function markedSourceEvent(
  event: GoogleEvent,
  calendarId: string,
  target: string,
  ownSources: readonly string[],
): 'ordinary' | 'mine' | 'theirs-of-own-source' {
  const owner = copyOwnership(event, calendarId, target);
  if (owner === 'none')
    return guestCopyOfOwnSource(event, calendarId, ownSources) ? 'theirs-of-own-source' : 'ordinary';
  if (owner === 'mine') return 'mine';
  const from = markedSourceCalendar(event);
  return from !== undefined && ownSources.some((s) => sameEmail(s, from))
    ? 'theirs-of-own-source'
    : 'ordinary';
}

/**
 * A calendar's guest copy of a copy calsync made (an install's birthday or Gmail
 * copy that invites this calendar) organized by one of this install's own
 * sources. Private markers belong to the organizer's copy only, so the guest
 * copy shows none; its id still says calsync made it. This install reads the
 * organizer's calendar itself and acts on the original there, so the guest
 * copy is never mirrored (that made a second install's copies twice).
 */
function guestCopyOfOwnSource(
  event: GoogleEvent,
  calendarId: string,
  ownSources: readonly string[],
): boolean {
  const organizer = event.organizer?.email;
  if (!organizer || sameEmail(organizer, calendarId)) return false;
  if (!ownSources.some((s) => sameEmail(s, organizer))) return false;
  const id = event.id ?? '';
  return isCopyId(splitInstanceId(id)?.masterId ?? id);
}

/**
 * Whether the event carries this install's own invite marker (its key for this
 * shared calendar). The previous release's marker is not enough: it is this
 * install's only while its shared calendar is still among the guests, and then
 * the event is invited already.
 */
export function hasOwnInviteMarker(event: GoogleEvent, target: string): boolean {
  return event.extendedProperties?.private?.[invitedMarkerKey(target)] !== undefined;
}

/** Whether this install invited its shared calendar, by the markers: its own, or the previous release's with its guest there. */
export function invitedByThisInstall(event: GoogleEvent, target: string): boolean {
  return ownInviteMarkerKeys(event, target).length > 0;
}

/**
 * The invite markers of this install on an event: its own key; else the
 * previous release's marker while this install's shared calendar is among the
 * guests. An install with its own key never wrote the old marker (this release
 * writes only keys), so then the old one is another install's.
 */
export function ownInviteMarkerKeys(event: GoogleEvent, target: string): string[] {
  const props = event.extendedProperties?.private ?? {};
  if (props[invitedMarkerKey(target)] !== undefined) return [invitedMarkerKey(target)];
  if (props[MARKER.invited] !== undefined && (event.attendees ?? []).some((a) => sameEmail(a.email, target)))
    return [MARKER.invited];
  return [];
}
