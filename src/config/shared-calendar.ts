/**
 * What the shared calendar (inviteEmail) must be: set, and not one of the
 * calendars polled as a source. Pure and light: `config set`, the poll and
 * every health answer (health-check, `calsync status`, `/health`) ask it, so
 * they refuse and report the same thing with the same fix.
 *
 * A source calendar as the shared calendar is never right: calsync would
 * invite that calendar to its own events, mirror meetings onto the calendar
 * they come from, and read it once as a source (whose events the rules leave
 * alone, "on the shared calendar itself") and once as the shared calendar,
 * through the wrong account. An account's primary calendar that is not polled
 * (only a secondary calendar of it is a source) is a calendar of its own, and fine.
 */
import { sameEmail } from '../util/email.js';

export interface SharedCalendarSettings {
  sourceCalendars: readonly string[];
  inviteEmail?: string | undefined;
}

/** The fix when no shared calendar is set: the poll's hint and health's fix alike. */
export const SET_SHARED_CALENDAR_FIX =
  "run: calsync config set inviteEmail <address> (the shared calendar's Calendar ID)";

/** The fix when the shared calendar is a source calendar. */
export const SEPARATE_SHARED_CALENDAR_FIX =
  'the shared calendar must be a calendar that is not polled as a source: create a secondary calendar ' +
  '(Google Calendar → Settings → Add calendar → Create new calendar), give the source accounts ' +
  '"Make changes to events" on it, then run: calsync config set inviteEmail <its Calendar ID>';

/** The source calendar the shared calendar is (compared as Google compares addresses), if it is one. */
export function sourceCalendarAsShared(settings: SharedCalendarSettings): string | undefined {
  const shared = settings.inviteEmail;
  if (!shared) return undefined;
  return settings.sourceCalendars.find((c) => sameEmail(c, shared));
}

/** The problem, phrased to follow `key "inviteEmail": ` (or a file's name), or undefined. */
export function sharedCalendarProblem(settings: SharedCalendarSettings): string | undefined {
  const source = sourceCalendarAsShared(settings);
  if (source === undefined) return undefined;
  return `the shared calendar ${settings.inviteEmail ?? ''} is also a source calendar (sourceCalendars lists ${source})`;
}
