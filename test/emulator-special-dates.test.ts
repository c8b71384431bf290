/**
 * Special dates and old Gmail events as Google serves them (the facts page,
 * "Birthdays" and "Gmail events"; Event resource reference,
 * birthdayProperties; event types guide).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAP_DAY_RULE, legacyGmailEvent, specialDateEvent } from '../src/emulator/samples.js';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ME = 'me@example.com';
let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ME] });
});
afterAll(async () => t.close());
const cal = () => t.calendarFor(ME);

describe('birthdayProperties.type', () => {
  it.each(['birthday', 'anniversary', 'custom', 'other', 'self'] as const)(
    'a %s is a yearly all-day birthday event carrying its type',
    async (type) => {
      const seeded = t.emu.seedEvent(
        ME,
        specialDateEvent({
          type,
          summary: type,
          date: '2026-06-10',
          contact: type === 'self' ? undefined : 'people/c1',
        }),
      );
      const { data } = await cal().events.get({ calendarId: ME, eventId: seeded.id ?? '' });
      expect(data).toMatchObject({
        eventType: 'birthday',
        birthdayProperties: { type },
        recurrence: ['RRULE:FREQ=YEARLY'],
      });
      if (type === 'custom') expect(data.birthdayProperties?.customTypeName).toBeTruthy();
    },
  );

  it('the API creates only type birthday: another type is refused (400 eventTypeRestriction)', async () => {
    const { id: _id, ...body } = specialDateEvent({ type: 'anniversary', summary: 'A', date: '2026-06-10' });
    const err = await googleError(() => cal().events.insert({ calendarId: ME, requestBody: body }));
    expect([err.status, err.reason]).toEqual([400, 'eventTypeRestriction']);
  });

  it('the dates of a contact-linked or self birthday cannot change (400 eventTypeRestriction)', async () => {
    for (const o of [
      { type: 'birthday' as const, contact: 'people/c2' },
      { type: 'self' as const, contact: undefined },
    ]) {
      const seeded = t.emu.seedEvent(ME, specialDateEvent({ ...o, summary: 'Fixed', date: '2026-07-01' }));
      const err = await googleError(() =>
        cal().events.patch({
          calendarId: ME,
          eventId: seeded.id ?? '',
          requestBody: { start: { date: '2026-07-02' }, end: { date: '2026-07-03' } },
        }),
      );
      expect([err.status, err.reason]).toEqual([400, 'eventTypeRestriction']);
    }
  });
});

describe('29 February', () => {
  it('recurs with BYMONTH=2;BYMONTHDAY=-1: instances fall on 28 February in common years, 29 in leap years', async () => {
    const seeded = t.emu.seedEvent(
      ME,
      specialDateEvent({ type: 'birthday', summary: 'Leap', date: '2024-02-29' }),
    );
    expect(seeded.recurrence).toEqual([LEAP_DAY_RULE]);
    const { data } = await cal().events.instances({
      calendarId: ME,
      eventId: seeded.id ?? '',
      timeMin: '2024-01-01T00:00:00Z',
      timeMax: '2029-01-01T00:00:00Z',
    });
    expect(data.items?.map((e) => e.start?.date)).toEqual([
      '2024-02-29',
      '2025-02-28',
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
    ]);
    expect(data.items?.[1]?.id).toBe(`${seeded.id}_20250228`);
  });

  it('a plain FREQ=YEARLY rule from 29 February skips common years (RFC 5545: no such date)', async () => {
    const seeded = t.emu.seedEvent(ME, {
      ...specialDateEvent({ type: 'birthday', summary: 'Plain', date: '2024-02-29' }),
      recurrence: ['RRULE:FREQ=YEARLY'],
    });
    const { data } = await cal().events.instances({
      calendarId: ME,
      eventId: seeded.id ?? '',
      timeMin: '2024-01-01T00:00:00Z',
      timeMax: '2029-01-01T00:00:00Z',
    });
    expect(data.items?.map((e) => e.start?.date)).toEqual(['2024-02-29', '2028-02-29']);
    const err = await googleError(() =>
      cal().events.get({ calendarId: ME, eventId: `${seeded.id}_20250228` }),
    );
    expect(err.status).toBe(404);
  });
});

describe('Gmail events from before 2024-05-30', () => {
  it('are default events organized by unknownorganizer@calendar.google.com, the account a guest', async () => {
    const seeded = t.emu.seedEvent(
      ME,
      legacyGmailEvent({
        summary: 'Flight',
        start: '2024-03-01T10:00:00Z',
        end: '2024-03-01T12:00:00Z',
        account: ME,
      }),
    );
    const { data } = await cal().events.get({ calendarId: ME, eventId: seeded.id ?? '' });
    expect(data.eventType).toBe('default');
    expect(data.organizer?.email).toBe('unknownorganizer@calendar.google.com');
    expect(data.organizer?.self).toBeUndefined();
    expect(data.attendees?.[0]).toMatchObject({ email: ME, self: true });
  });
});
