import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  birthdayEvent,
  focusTimeEvent,
  gmailEvent,
  meeting,
  outOfOfficeEvent,
  workingLocationEvent,
} from '../src/emulator/samples.js';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ME = 'me@example.com';
const SECONDARY = 'team@group.example.com';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ME], sharedCalendar: { id: SECONDARY, owner: ME } });
});
afterAll(async () => t.close());

const cal = () => t.calendarFor(ME);

describe('samples seeded as Google makes them', () => {
  it('a birthday is an all-day yearly private transparent event of type birthday', async () => {
    const seeded = t.emu.seedEvent(ME, birthdayEvent({ summary: "Ana's birthday", date: '2026-03-04' }));
    const { data } = await cal().events.get({ calendarId: ME, eventId: seeded.id ?? '' });
    expect(data).toMatchObject({
      eventType: 'birthday',
      start: { date: '2026-03-04' },
      end: { date: '2026-03-05' },
      recurrence: ['RRULE:FREQ=YEARLY'],
      visibility: 'private',
      transparency: 'transparent',
      birthdayProperties: { type: 'birthday' },
    });
  });

  it('a Gmail event has type fromGmail and a source link', () => {
    const e = t.emu.seedEvent(
      ME,
      gmailEvent({
        summary: 'Flight',
        start: '2026-05-01T07:00:00Z',
        end: '2026-05-01T09:00:00Z',
        location: 'MUC',
      }),
    );
    expect(e.eventType).toBe('fromGmail');
    expect(e.source?.url).toMatch(/^https:\/\/mail\.google\.com\//);
    expect(e.location).toBe('MUC');
    expect(e.htmlLink).toBeTruthy();
  });

  it('focus time, out of office and working location carry their properties', () => {
    expect(
      t.emu.seedEvent(ME, focusTimeEvent({ start: '2026-05-02T13:00:00Z', end: '2026-05-02T15:00:00Z' }))
        .focusTimeProperties,
    ).toBeTruthy();
    expect(
      t.emu.seedEvent(ME, outOfOfficeEvent({ start: '2026-05-03T00:00:00Z', end: '2026-05-04T00:00:00Z' }))
        .outOfOfficeProperties,
    ).toBeTruthy();
    expect(
      t.emu.seedEvent(ME, workingLocationEvent({ date: '2026-05-05' })).workingLocationProperties?.type,
    ).toBe('homeOffice');
  });

  it('a meeting organized by someone else keeps that organizer and its attendees', () => {
    const e = t.emu.seedEvent(
      ME,
      meeting({
        summary: 'Sync',
        start: '2026-05-06T10:00:00Z',
        end: '2026-05-06T11:00:00Z',
        organizer: 'lead@example.com',
        attendees: ['lead@example.com', ME],
      }),
    );
    expect(e.organizer).toEqual({ email: 'lead@example.com' });
    expect(e.attendees?.find((a) => a.email === ME)?.self).toBe(true);
  });
});

describe('eventType rules on insert', () => {
  it('refuses to insert a fromGmail event (400)', async () => {
    const e = await googleError(() =>
      cal().events.insert({
        calendarId: ME,
        requestBody: gmailEvent({ summary: 'x', start: '2026-05-01T07:00:00Z', end: '2026-05-01T08:00:00Z' }),
      }),
    );
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/fromGmail/);
  });

  it('inserts a valid birthday and refuses one with attendees or a time', async () => {
    const ok = await cal().events.insert({
      calendarId: ME,
      requestBody: birthdayEvent({ summary: 'B', date: '2026-08-01' }),
    });
    expect(ok.data.eventType).toBe('birthday');
    const withGuest = await googleError(() =>
      cal().events.insert({
        calendarId: ME,
        requestBody: {
          ...birthdayEvent({ summary: 'B', date: '2026-08-01' }),
          attendees: [{ email: 'x@example.com' }],
        },
      }),
    );
    expect(withGuest.status).toBe(400);
    const timed = await googleError(() =>
      cal().events.insert({
        calendarId: ME,
        requestBody: {
          ...birthdayEvent({ summary: 'B', date: '2026-08-01' }),
          start: { dateTime: '2026-08-01T10:00:00Z' },
          end: { dateTime: '2026-08-01T11:00:00Z' },
        },
      }),
    );
    expect(timed.status).toBe(400);
    const notYearly = await googleError(() =>
      cal().events.insert({
        calendarId: ME,
        requestBody: { ...birthdayEvent({ summary: 'B', date: '2026-08-01' }), recurrence: [] },
      }),
    );
    expect(notYearly.status).toBe(400);
  });

  it('accepts focus time on the primary calendar only, and never with attendees', async () => {
    const body = focusTimeEvent({ start: '2026-05-02T13:00:00Z', end: '2026-05-02T15:00:00Z' });
    expect((await cal().events.insert({ calendarId: ME, requestBody: body })).data.eventType).toBe(
      'focusTime',
    );
    const secondary = await googleError(() =>
      cal().events.insert({ calendarId: SECONDARY, requestBody: body }),
    );
    expect(secondary.status).toBe(400);
    expect(secondary.message).toMatch(/primary/);
    const guests = await googleError(() =>
      cal().events.insert({
        calendarId: ME,
        requestBody: {
          ...outOfOfficeEvent({ start: '2026-05-03T00:00:00Z', end: '2026-05-04T00:00:00Z' }),
          attendees: [{ email: 'x@example.com' }],
        },
      }),
    );
    expect(guests.status).toBe(400);
    expect(guests.message).toMatch(/attendees/);
  });
});

describe('eventType rules on change', () => {
  it('lets a fromGmail event change attendees and private properties, not its summary (400 eventTypeRestriction)', async () => {
    const g = t.emu.seedEvent(ME, gmailEvent({ summary: 'Hotel', start: '2026-05-10', end: '2026-05-12' }));
    const ok = await cal().events.patch({
      calendarId: ME,
      eventId: g.id ?? '',
      requestBody: {
        attendees: [{ email: 'family@example.com' }],
        extendedProperties: { private: { seen: '1' } },
      },
    });
    expect(ok.data.attendees).toEqual([{ email: 'family@example.com' }]);
    const e = await googleError(() =>
      cal().events.patch({ calendarId: ME, eventId: g.id ?? '', requestBody: { summary: 'Renamed' } }),
    );
    expect(e.status).toBe(400);
    expect(e.body).toEqual({
      error: {
        code: 400,
        message: "Attempt made to modify 'fromGmail' event in a way that is not valid for this event type.",
        errors: [
          {
            domain: 'calendar',
            reason: 'eventTypeRestriction',
            message:
              "Attempt made to modify 'fromGmail' event in a way that is not valid for this event type.",
          },
        ],
      },
    });
  });

  it('lets a birthday change its summary and colour, not gain a location or attendees', async () => {
    const b = t.emu.seedEvent(ME, birthdayEvent({ summary: 'Bo', date: '2026-09-09' }));
    const ok = await cal().events.patch({
      calendarId: ME,
      eventId: b.id ?? '',
      requestBody: { summary: "Bo's birthday", colorId: '3' },
    });
    expect(ok.data.summary).toBe("Bo's birthday");
    for (const requestBody of [{ location: 'Park' }, { attendees: [{ email: 'x@example.com' }] }]) {
      const e = await googleError(() =>
        cal().events.patch({ calendarId: ME, eventId: b.id ?? '', requestBody }),
      );
      expect(e.status).toBe(400);
      expect(e.reason).toBe('eventTypeRestriction');
    }
  });

  it('never changes the eventType on update', async () => {
    const { data } = await cal().events.insert({
      calendarId: ME,
      requestBody: meeting({ summary: 'm', start: '2026-05-06T10:00:00Z', end: '2026-05-06T11:00:00Z' }),
    });
    const e = await googleError(() =>
      cal().events.update({
        calendarId: ME,
        eventId: data.id ?? '',
        requestBody: { ...data, eventType: 'focusTime' },
      }),
    );
    expect(e.status).toBe(400);
  });
});
