import type { Settings } from '../config/types.js';
import type { MirrorWriter } from './mirror-writer.js';
import { compileSkipTitles } from './privacy.js';
import { targetOf } from './ownership.js';
import type { RuleSettings } from './types.js';

/**
 * The rules' settings, one builder for the poll and for `explain`, so that
 * explain decides exactly as the next poll would. `writer`: who writes the
 * shared calendar for this source (mirror-writer.ts); `poll`: what only a
 * poll run knows (--retry-failed, which cancellations to look for orphans of,
 * the calendar's name as its listing gave it).
 */
export function ruleSettingsFor(
  settings: Settings,
  writer: MirrorWriter,
  poll: Pick<RuleSettings, 'retryParked' | 'orphanSince' | 'sourceName'> = {},
): RuleSettings {
  return {
    inviteEmail: settings.inviteEmail ?? '',
    target: targetOf(settings.inviteEmail),
    sourceCalendars: settings.sourceCalendars,
    mirrorWriter: writer.account,
    ...(writer.reason ? { noWriterReason: writer.reason } : {}),
    birthdayCopyCalendar: settings.birthdayCopyCalendar,
    gmailOriginal: settings.gmailOriginal,
    organizedEvents: settings.organizedEvents,
    birthdayTypes: settings.birthdayTypes,
    privateEvents: settings.privateEvents,
    calendarDetails: settings.calendarDetails,
    skipTitles: compileSkipTitles(settings.skipTitles),
    skipAvailable: settings.skipAvailable,
    busyTitle: settings.busyTitle,
    calendarColors: settings.calendarColors,
    ...poll,
  };
}
