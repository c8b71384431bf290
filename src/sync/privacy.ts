/**
 * How much of an event is shared: the privacy decision, pure, one step the
 * rules take before any other (rules.ts). In full (an invitation, a copy, a
 * mirror), as a busy block (its time only, sync/copies.ts `busyBlock`), or
 * not at all. The behaviour is "What one poll does" in the interface page:
 *
 * - a title matching `skipTitles` is not shared, whatever the event;
 * - birthday and Gmail events are private by Google's default, and sharing
 *   them in full is what their rules are for: only `calendarDetails: busy`
 *   or `skipTitles` changes them;
 * - other events: `skipAvailable` leaves out available ones; a calendar
 *   whose `calendarDetails` is `busy` shares busy blocks only; a private or
 *   confidential one follows `privateEvents`.
 */
import type { CalendarDetail, PrivateEventsPolicy } from '../config/types.js';
import type { GoogleEvent } from './types.js';

/** The settings the decision reads (part of RuleSettings). */
export interface PrivacySettings {
  privateEvents: PrivateEventsPolicy;
  /** Per source calendar; absent = full. */
  calendarDetails: Readonly<Record<string, CalendarDetail>>;
  /** Compiled case-insensitive patterns, each with the text it was written as. */
  skipTitles: readonly { source: string; test(text: string): boolean }[];
  skipAvailable: boolean;
}

export type Privacy =
  | { share: 'full' }
  | { share: 'busy'; why: string }
  /** `filtered`: by skipTitles or skipAvailable, not by privateEvents skip. */
  | { share: 'skip'; why: string; filtered: boolean };

/** Private and confidential events show to a calendar's readers as busy only (Google's visibility). */
export function isPrivate(event: GoogleEvent): boolean {
  return event.visibility === 'private' || event.visibility === 'confidential';
}

/**
 * The decision for one event of `calendarId`. `special`: the event is a
 * birthday or Gmail event (copied by their own rules).
 */
export function decidePrivacy(
  calendarId: string,
  event: GoogleEvent,
  settings: PrivacySettings,
  special: boolean,
): Privacy {
  const title = event.summary ?? '';
  const pattern = settings.skipTitles.find((p) => p.test(title));
  // The pattern is the user's own text; the title is never part of the reason (it may be private).
  if (pattern) return { share: 'skip', why: `title matches skipTitles "${pattern.source}"`, filtered: true };
  if (!special && settings.skipAvailable && event.transparency === 'transparent')
    return { share: 'skip', why: 'shown as available (skipAvailable)', filtered: true };
  if (settings.calendarDetails[calendarId] === 'busy')
    return { share: 'busy', why: `calendarDetails of ${calendarId} is busy` };
  if (special || !isPrivate(event)) return { share: 'full' };
  switch (settings.privateEvents) {
    case 'busy':
      return { share: 'busy', why: 'private event (privateEvents busy)' };
    case 'skip':
      return { share: 'skip', why: 'private event (privateEvents skip)', filtered: false };
    case 'full':
      return { share: 'full' };
  }
}

/** skipTitles as the rules test them: case-insensitive, compiled once per plan (config/ checked they compile). */
export function compileSkipTitles(patterns: readonly string[]): PrivacySettings['skipTitles'] {
  return patterns.map((source) => {
    const re = new RegExp(source, 'i');
    return { source, test: (text: string) => re.test(text) };
  });
}

/** A busy block's title: the template with `{name}` replaced by whose time it is. */
export function busyTitle(template: string, name: string): string {
  return template.replace(/\{name\}/g, name);
}

/** A body with the calendar's colour (calendarColors); without one, the colour is left as it is. */
export function coloured(body: GoogleEvent, colorId: string | undefined): GoogleEvent {
  return colorId ? { ...body, colorId } : body;
}
