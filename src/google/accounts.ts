/**
 * Which account serves which calendar: plain settings lookups, kept apart
 * from auth.ts so that code which only needs to know (an idle poll) does not
 * load the Google client library.
 */
import type { Settings } from '../config/types.js';

/** The account whose token reads and writes a calendar (config.json may map several calendars to one). */
export function accountFor(settings: Settings, calendarId: string): string {
  return settings.calendarAccounts[calendarId] ?? calendarId;
}

/** The account that writes the shared calendar (mirrors). */
export function sharedAccount(settings: Settings): string | undefined {
  return settings.sharedCalendarAccount ?? settings.inviteEmail;
}
