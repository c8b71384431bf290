/**
 * The rules tables' settings: one source calendar (alice's) and one shared
 * calendar, every option at its default, and what a table changes on top.
 */
import type { RuleSettings } from '../../src/sync/types.js';

export const RULES_CAL = 'alice@example.com';
export const RULES_SHARED = 'family@group.calendar.google.com';

export function ruleSettings(overrides: Partial<RuleSettings> = {}): RuleSettings {
  return {
    inviteEmail: RULES_SHARED,
    target: RULES_SHARED,
    sourceCalendars: [RULES_CAL],
    mirrorWriter: RULES_CAL,
    birthdayCopyCalendar: undefined,
    gmailOriginal: 'keep',
    organizedEvents: 'invite',
    birthdayTypes: ['birthday', 'anniversary', 'custom', 'other'],
    privateEvents: 'busy',
    calendarDetails: {},
    skipTitles: [],
    skipAvailable: false,
    busyTitle: 'Busy ({name})',
    calendarColors: {},
    ...overrides,
  };
}
