/**
 * The sample world behind `calsync demo` and `emulator --seed demo`: two
 * source accounts, a shared calendar, and one event of every kind calsync
 * handles (a birthday, a flight from Gmail, ordinary events, someone else's
 * recurring meeting, focus time it must skip).
 */
import { birthdayEvent, focusTimeEvent, gmailEvent, meeting } from './samples.js';
import type { Emulator } from './types.js';

export const DEMO_ACCOUNTS = {
  personal: 'alex@demo.calsync.test',
  work: 'alex.work@demo.calsync.test',
  /** The invited address: its primary calendar is the shared one. */
  shared: 'family@demo.calsync.test',
} as const;

export interface DemoSeed {
  sourceCalendars: string[];
  inviteEmail: string;
}

function daysFromNow(days: number, hourUtc: number, minute = 0): string {
  const d = new Date();
  d.setUTCHours(hourUtc, minute, 0, 0);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().replace('.000Z', 'Z');
}

function dateFromNow(days: number): string {
  return daysFromNow(days, 0).slice(0, 10);
}

export function seedDemo(emu: Emulator): DemoSeed {
  const { personal, work, shared } = DEMO_ACCOUNTS;
  for (const a of [personal, work, shared]) emu.addAccount(a);
  // Both sources may write the shared calendar (mirrors).
  emu.addCalendar(shared, { owner: shared, writers: [personal, work], summary: 'Family' });

  emu.seedEvent(personal, birthdayEvent({ summary: "Sam's birthday", date: dateFromNow(3) }));
  emu.seedEvent(
    personal,
    gmailEvent({
      summary: 'Flight LH 123 Munich to Lisbon',
      start: daysFromNow(5, 7),
      end: daysFromNow(5, 10),
      location: 'MUC Terminal 2',
    }),
  );
  emu.seedEvent(
    personal,
    meeting({ summary: 'Dentist', start: daysFromNow(1, 8), end: daysFromNow(1, 9), location: 'Main St 5' }),
  );
  emu.seedEvent(
    personal,
    meeting({
      summary: 'Dinner with Jo',
      start: daysFromNow(2, 18),
      end: daysFromNow(2, 20),
      attendees: ['jo@demo.calsync.test'],
    }),
  );
  emu.seedEvent(
    work,
    meeting({
      summary: 'Team standup',
      start: daysFromNow(1, 9),
      end: daysFromNow(1, 9, 15),
      organizer: 'lead@demo.calsync.test',
      attendees: ['lead@demo.calsync.test', { email: work, responseStatus: 'accepted' }],
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
    }),
  );
  emu.seedEvent(work, focusTimeEvent({ start: daysFromNow(1, 13), end: daysFromNow(1, 15) }));
  return { sourceCalendars: [personal, work], inviteEmail: shared };
}
