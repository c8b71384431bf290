import type { Settings } from '../config/types.js';
import type { RuleSettings } from '../sync/types.js';

/**
 * The rules' settings, built as the poll builds them (sync/poll.ts `plan`),
 * so `explain` decides exactly as the next poll would. One function, so a
 * change to RuleSettings has one place to follow here.
 */
export function ruleSettingsFor(settings: Settings, sharedWritable: boolean): RuleSettings {
  return {
    inviteEmail: settings.inviteEmail ?? '',
    sharedWritable,
    birthdayCopyCalendar: settings.birthdayCopyCalendar,
    gmailOriginal: settings.gmailOriginal,
  };
}
