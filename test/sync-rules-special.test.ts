/** Rules for Google's special events (issue 11): birthday types, old Gmail events, organizedEvents, dismissed copies. */
import { describe, expect, it } from 'vitest';
import { copyPlace, planChanges, planEvent } from '../src/sync/rules.js';
import { EventTable } from '../src/state/index.js';
import { CONTACTS_BIRTHDAY_CALENDAR, LEGACY_GMAIL_ORGANIZER } from '../src/sync/event-kinds.js';
import { copyEventId } from '../src/sync/ids.js';
import type { GoogleEvent, RuleSettings } from '../src/sync/types.js';
import type { ProcessedEvent } from '../src/state/types.js';
import { ruleSettings } from './helpers/rule-settings.js';

const CAL = 'alice@example.com';
const SHARED = 'family@group.calendar.google.com';
const settings: RuleSettings = ruleSettings();
const plan = (event: GoogleEvent, s: Partial<RuleSettings> = {}, entry?: ProcessedEvent, calendarId = CAL) =>
  planEvent({ calendarId, event, entry, seriesMirrored: false, settings: { ...settings, ...s } });

const special = (type: string, extra: GoogleEvent = {}): GoogleEvent => ({
  id: `b${type}`,
  eventType: 'birthday',
  summary: type,
  start: { date: '2027-02-28' },
  end: { date: '2027-03-01' },
  recurrence: ['RRULE:FREQ=YEARLY'],
  birthdayProperties: { type },
  updated: '2026-11-20T00:00:00.000Z',
  ...extra,
});
const own: GoogleEvent = {
  id: 'own1',
  summary: 'Dentist',
  organizer: { email: CAL, self: true },
  start: { dateTime: '2026-12-01T10:00:00Z' },
  end: { dateTime: '2026-12-01T11:00:00Z' },
  updated: '2026-11-20T00:00:00.000Z',
};

describe('special dates by birthdayProperties.type', () => {
  it.each(['birthday', 'anniversary', 'custom', 'other'])(
    'a %s is copied by default, with the shared calendar as guest',
    (type) => {
      const action = plan(special(type));
      expect(action.kind).toBe('copy-birthday');
      if (action.kind !== 'copy-birthday') return;
      expect(action.target).toEqual({
        calendarId: CAL,
        eventId: copyEventId(SHARED, CAL, `b${type}`, 'birthday'),
      });
      expect(action.body.attendees).toEqual([{ email: SHARED }]);
      expect(action.body.summary).toBe(type);
    },
  );

  it("the account's own birthday (self) is skipped by default, with the reason naming the setting", () => {
    expect(plan(special('self'))).toMatchObject({
      kind: 'skip',
      reason: 'birthday type "self" is not in birthdayTypes',
    });
  });

  it('birthdayTypes chooses: self when listed, anniversary not when left out', () => {
    expect(plan(special('self'), { birthdayTypes: ['self'] }).kind).toBe('copy-birthday');
    expect(plan(special('anniversary'), { birthdayTypes: ['birthday'] }).kind).toBe('skip');
  });

  it('a 29 February birthday keeps its leap-day rule on the copy', () => {
    const rule = 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1';
    const action = plan(
      special('birthday', { start: { date: '2028-02-29' }, end: { date: '2028-03-01' }, recurrence: [rule] }),
    );
    expect(action.kind === 'copy-birthday' && action.body.recurrence).toEqual([rule]);
  });

  it('birthdays of the read-only contacts calendar are copied onto the shared calendar, with no guest', () => {
    const action = plan(special('birthday'), {}, undefined, CONTACTS_BIRTHDAY_CALENDAR);
    expect(action.kind).toBe('copy-birthday');
    if (action.kind !== 'copy-birthday') return;
    expect(action.target.calendarId).toBe(SHARED);
    expect(action.body.attendees).toBeUndefined();
    // birthdayCopyCalendar, when set, is where they go instead.
    expect(
      copyPlace(CONTACTS_BIRTHDAY_CALENDAR, 'birthday', { ...settings, birthdayCopyCalendar: CAL }),
    ).toEqual({
      calendarId: CAL,
      invitee: SHARED,
    });
  });
});

describe('Gmail events from before 2024-05-30', () => {
  const legacy: GoogleEvent = {
    id: 'oldflight',
    eventType: 'default',
    summary: 'Flight LH 400',
    organizer: { email: LEGACY_GMAIL_ORGANIZER },
    start: { dateTime: '2024-03-01T10:00:00Z' },
    end: { dateTime: '2024-03-01T18:00:00Z' },
  };
  it('a default event organized by unknownorganizer@calendar.google.com is copied as a Gmail event, not mirrored', () => {
    const action = plan(legacy);
    expect(action.kind).toBe('copy-gmail');
    expect(action.kind === 'copy-gmail' && action.target).toEqual({
      calendarId: CAL,
      eventId: copyEventId(SHARED, CAL, 'oldflight', 'gmail'),
    });
  });
  it('a default event organized by someone else is still mirrored', () => {
    expect(plan({ ...legacy, organizer: { email: 'bob@corp.example' } }).kind).toBe('mirror');
  });
});

describe('organizedEvents', () => {
  it("invite (default): the account's own event gets the shared calendar as guest", () => {
    expect(plan(own).kind).toBe('invite');
  });
  it("mirror: the account's own event is mirrored, birthday and Gmail copies go to the shared calendar without guest", () => {
    const m = plan(own, { organizedEvents: 'mirror' });
    expect(m).toMatchObject({
      kind: 'mirror',
      target: { calendarId: SHARED, eventId: copyEventId(SHARED, CAL, 'own1', 'mirror') },
    });
    const b = plan(special('birthday'), { organizedEvents: 'mirror' });
    expect(b.kind === 'copy-birthday' && [b.target.calendarId, b.body.attendees]).toEqual([
      SHARED,
      undefined,
    ]);
  });
  it('mirror: an event invited before stays invited, unless its invitation never arrived', () => {
    const invited = { ...own, attendees: [{ email: SHARED }] };
    const entry: ProcessedEvent = { action: 'invite', at: 1, rule: 'invite' };
    expect(plan(invited, { organizedEvents: 'mirror' }, entry).kind).toBe('skip');
    expect(plan(invited, { organizedEvents: 'mirror' }, { ...entry, delivery: 'missing' }).kind).toBe(
      'mirror',
    );
  });
});

describe('organizedEvents mirror, once the mirror replaced an invitation that never arrived', () => {
  it('the mirror stays (no flip back to the invitation)', () => {
    const invited = { ...own, attendees: [{ email: SHARED }] };
    const entry: ProcessedEvent = {
      action: 'mirror',
      at: 1,
      rule: 'mirror',
      copyCalendar: SHARED,
      copyId: copyEventId(SHARED, CAL, 'own1', 'mirror'),
      sourceUpdated: Date.parse(own.updated ?? ''),
    };
    expect(plan(invited, { organizedEvents: 'mirror' }, entry)).toMatchObject({
      kind: 'skip',
      reason: 'mirror is up to date',
    });
  });
});

describe('what a person deleted on the shared calendar', () => {
  it('a mirror a person deleted is not made again when its source changes', () => {
    const entry: ProcessedEvent = {
      action: 'mirror',
      at: 1,
      rule: 'mirror',
      copyCalendar: SHARED,
      copyId: 'cs1',
      sourceUpdated: 1,
      delivery: 'dismissed',
    };
    const other = { ...own, organizer: { email: 'bob@corp.example' } };
    expect(plan(other, {}, entry)).toMatchObject({
      kind: 'skip',
      reason: 'deleted from the shared calendar by a person; respected',
    });
    // Its source cancelled: the entry's copy is let go (the delete finds it gone).
    expect(plan({ id: 'own1', status: 'cancelled' }, {}, entry).kind).toBe('delete-copy');
  });
});

describe('a series mirror moved along its id sequence (burnt id)', () => {
  it('changed occurrences follow the recorded mirror id, not the burnt one', () => {
    const mirrorId = `${copyEventId(SHARED, CAL, 'series1', 'mirror')}v1`;
    const entries = EventTable.of({
      series1: { action: 'mirror', at: 1, rule: 'mirror', copyCalendar: SHARED, copyId: mirrorId },
    });
    const occurrence: GoogleEvent = {
      id: 'series1_20261201T100000Z',
      recurringEventId: 'series1',
      originalStartTime: { dateTime: '2026-12-01T10:00:00Z' },
      summary: 'Weekly (moved)',
      organizer: { email: 'bob@corp.example' },
      start: { dateTime: '2026-12-01T11:00:00Z' },
      end: { dateTime: '2026-12-01T12:00:00Z' },
    };
    const [action] = planChanges(CAL, [occurrence], entries, settings);
    expect(action).toMatchObject({
      kind: 'update-occurrence',
      target: { calendarId: SHARED, eventId: `${mirrorId}_20261201T100000Z` },
    });
  });
});
