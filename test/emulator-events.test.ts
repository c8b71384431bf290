import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meeting } from '../src/emulator/samples.js';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const SHARED = 'shared@example.com';
const CAROL = 'carol@example.com';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({
    accounts: [ALICE, BOB, CAROL],
    sharedCalendar: {
      id: SHARED,
      owner: BOB,
      writers: [ALICE],
      readers: [CAROL],
      listedBy: [ALICE, CAROL],
      summary: 'Shared',
    },
  });
});
afterAll(async () => t.close());

const timed = { start: { dateTime: '2026-06-01T10:00:00Z' }, end: { dateTime: '2026-06-01T11:00:00Z' } };

describe('events.insert', () => {
  it('fills in Google defaults and makes the calling calendar the organizer', async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'Lunch', ...timed },
    });
    expect(data.id).toMatch(/^[0-9a-v]{5,}$/);
    expect(data.kind).toBe('calendar#event');
    expect(data.status).toBe('confirmed');
    expect(data.etag).toMatch(/^"\d+"$/);
    expect(data.iCalUID).toBe(`${data.id}@google.com`);
    expect(data.organizer).toEqual({ email: ALICE, self: true });
    expect(data.creator).toEqual({ email: ALICE, self: true });
    expect(data.eventType).toBe('default');
    expect(Date.parse(data.updated ?? '')).not.toBeNaN();
  });

  it('accepts a client id in base32hex and rejects other ids with 400 invalid', async () => {
    const cal = t.calendarFor(ALICE);
    const ok = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { id: 'abcdev0123', summary: 'x', ...timed },
    });
    expect(ok.data.id).toBe('abcdev0123');
    for (const id of ['ABCDEF123', 'abcw12345', 'ab1', 'x'.repeat(3)]) {
      const e = await googleError(() =>
        cal.events.insert({ calendarId: ALICE, requestBody: { id, summary: 'x', ...timed } }),
      );
      expect(e.status).toBe(400);
      expect(e.reason).toBe('invalid');
      expect(e.message).toBe('Invalid resource id value.');
    }
  });

  it('answers 409 duplicate for an existing id, also after the event was deleted', async () => {
    const cal = t.calendarFor(ALICE);
    await cal.events.insert({ calendarId: ALICE, requestBody: { id: 'dup00001', summary: 'x', ...timed } });
    const live = await googleError(() =>
      cal.events.insert({ calendarId: ALICE, requestBody: { id: 'dup00001', summary: 'y', ...timed } }),
    );
    expect(live.status).toBe(409);
    expect(live.body).toEqual({
      error: {
        code: 409,
        message: 'The requested identifier already exists.',
        errors: [
          { domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.' },
        ],
      },
    });
    await cal.events.delete({ calendarId: ALICE, eventId: 'dup00001' });
    const deleted = await googleError(() =>
      cal.events.insert({ calendarId: ALICE, requestBody: { id: 'dup00001', summary: 'y', ...timed } }),
    );
    expect(deleted.status).toBe(409);
  });

  it('refuses an event whose end is before its start or that has no end', async () => {
    const cal = t.calendarFor(ALICE);
    const backwards = await googleError(() =>
      cal.events.insert({
        calendarId: ALICE,
        requestBody: { summary: 'x', start: timed.end, end: timed.start },
      }),
    );
    expect(backwards.status).toBe(400);
    expect(backwards.reason).toBe('timeRangeEmpty');
    const noEnd = await googleError(() =>
      cal.events.insert({ calendarId: ALICE, requestBody: { summary: 'x', start: timed.start } }),
    );
    expect(noEnd.status).toBe(400);
    expect(noEnd.reason).toBe('required');
  });

  it('accepts sendUpdates', async () => {
    const cal = t.calendarFor(ALICE);
    const { status } = await cal.events.insert({
      calendarId: ALICE,
      sendUpdates: 'none',
      requestBody: { summary: 'quiet', ...timed },
    });
    expect(status).toBe(200);
  });
});

describe('events.get, patch, update, delete', () => {
  it('patch replaces the attendees array whole and bumps etag and updated', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: created } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: {
        summary: 'Review',
        ...timed,
        attendees: [{ email: 'x@example.com', responseStatus: 'accepted' }, { email: 'y@example.com' }],
      },
    });
    await new Promise((r) => setTimeout(r, 5));
    const { data: patched } = await cal.events.patch({
      calendarId: ALICE,
      eventId: created.id ?? '',
      requestBody: { attendees: [{ email: 'z@example.com' }] },
    });
    expect(patched.attendees).toEqual([{ email: 'z@example.com' }]);
    expect(patched.summary).toBe('Review');
    expect(patched.etag).not.toBe(created.etag);
    expect(Date.parse(patched.updated ?? '')).toBeGreaterThan(Date.parse(created.updated ?? ''));
  });

  it('patch merges extendedProperties.private and deletes a key sent as null', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: created } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'Props', ...timed, extendedProperties: { private: { a: '1', b: '2' } } },
    });
    const { data } = await cal.events.patch({
      calendarId: ALICE,
      eventId: created.id ?? '',
      requestBody: {
        extendedProperties: { private: { b: null, c: '3' } as unknown as Record<string, string> },
      },
    });
    expect(data.extendedProperties?.private).toEqual({ a: '1', c: '3' });
  });

  it('patch merges start and end too: a timed event patched to all-day without dateTime null is 400 Invalid start time', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: created } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'Turns all-day', ...timed },
    });
    const allDay = { start: { date: '2026-06-01' }, end: { date: '2026-06-02' } };
    const e = await googleError(() =>
      cal.events.patch({ calendarId: ALICE, eventId: created.id ?? '', requestBody: allDay }),
    );
    expect([e.status, e.reason, e.message]).toEqual([400, 'invalid', 'Invalid start time.']);
    const { data } = await cal.events.patch({
      calendarId: ALICE,
      eventId: created.id ?? '',
      requestBody: {
        start: { date: '2026-06-01', dateTime: null },
        end: { date: '2026-06-02', dateTime: null },
      },
    });
    expect([data.start, data.end]).toEqual([{ date: '2026-06-01' }, { date: '2026-06-02' }]);
    const { data: back } = await cal.events.patch({
      calendarId: ALICE,
      eventId: created.id ?? '',
      requestBody: { start: { ...timed.start, date: null }, end: { ...timed.end, date: null } },
    });
    expect([back.start, back.end]).toEqual([timed.start, timed.end]);
  });

  it('update replaces the event: fields left out, extendedProperties included, are gone', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: created } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: {
        summary: 'Full',
        location: 'Room 1',
        ...timed,
        extendedProperties: { private: { a: '1' } },
      },
    });
    const { data } = await cal.events.update({
      calendarId: ALICE,
      eventId: created.id ?? '',
      requestBody: { summary: 'Full 2', ...timed },
    });
    expect(data.summary).toBe('Full 2');
    expect(data.location).toBeUndefined();
    expect(data.extendedProperties).toBeUndefined();
    expect(data.id).toBe(created.id);
    expect(data.organizer?.email).toBe(ALICE);
  });

  it('delete answers 204, the event reads as cancelled, and a second delete answers 410 deleted', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: created } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'Gone', ...timed },
    });
    const del = await cal.events.delete({ calendarId: ALICE, eventId: created.id ?? '' });
    expect(del.status).toBe(204);
    const { data: after } = await cal.events.get({ calendarId: ALICE, eventId: created.id ?? '' });
    expect(after.status).toBe('cancelled');
    const again = await googleError(() =>
      cal.events.delete({ calendarId: ALICE, eventId: created.id ?? '' }),
    );
    expect(again.status).toBe(410);
    expect(again.reason).toBe('deleted');
    expect(again.message).toBe('Resource has been deleted');
  });

  it('answers 404 notFound for an unknown event', async () => {
    const e = await googleError(() =>
      t.calendarFor(ALICE).events.get({ calendarId: ALICE, eventId: 'nosuchevent' }),
    );
    expect(e.status).toBe(404);
    expect(e.reason).toBe('notFound');
  });

  it('an occurrence id of a series can be patched, becoming an exception with recurringEventId and originalStartTime', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: master } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: {
        summary: 'Weekly',
        start: { dateTime: '2026-06-01T09:00:00Z' },
        end: { dateTime: '2026-06-01T09:30:00Z' },
        recurrence: ['RRULE:FREQ=WEEKLY'],
      },
    });
    const instanceId = `${master.id}_20260608T090000Z`;
    const { data } = await cal.events.patch({
      calendarId: ALICE,
      eventId: instanceId,
      requestBody: {
        summary: 'Weekly (moved)',
        start: { dateTime: '2026-06-08T10:00:00Z' },
        end: { dateTime: '2026-06-08T10:30:00Z' },
      },
    });
    expect(data.id).toBe(instanceId);
    expect(data.recurringEventId).toBe(master.id);
    expect(data.originalStartTime?.dateTime).toBe('2026-06-08T09:00:00Z');
    expect(data.recurrence).toBeUndefined();
    await cal.events.delete({ calendarId: ALICE, eventId: `${master.id}_20260615T090000Z` });
    const cancelled = t.emu.getEvent(ALICE, `${master.id}_20260615T090000Z`);
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.recurringEventId).toBe(master.id);
  });
});

describe('deleting a series', () => {
  // events.delete on a recurring event deletes all its instances (reference "Events: delete";
  // guide "Recurring events"): a moved occurrence (an exception) goes with its series.
  it('deleting a recurring event cancels its modified occurrences too', async () => {
    const cal = t.calendarFor(ALICE);
    const { data: master } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: {
        summary: 'Series to delete',
        start: { dateTime: '2026-07-01T09:00:00Z' },
        end: { dateTime: '2026-07-01T09:30:00Z' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
      },
    });
    const moved = `${master.id}_20260702T090000Z`;
    await cal.events.patch({ calendarId: ALICE, eventId: moved, requestBody: { summary: 'Moved one' } });
    await cal.events.delete({ calendarId: ALICE, eventId: master.id ?? '' });
    expect(t.emu.getEvent(ALICE, moved)?.status).toBe('cancelled');
    const { data } = await cal.events.list({ calendarId: ALICE });
    expect((data.items ?? []).filter((e) => e.id === moved && e.status !== 'cancelled')).toEqual([]);
  });
});

describe('permissions', () => {
  it('lets writers write, readers only read, and hides the calendar from others', async () => {
    const asAlice = t.calendarFor(ALICE);
    const { data } = await asAlice.events.insert({
      calendarId: SHARED,
      requestBody: { summary: 'Mirror', ...timed },
    });
    expect(data.organizer?.email).toBe(SHARED);
    expect(data.creator?.email).toBe(ALICE);

    const asCarol = t.calendarFor(CAROL);
    const read = await asCarol.events.get({ calendarId: SHARED, eventId: data.id ?? '' });
    expect(read.data.summary).toBe('Mirror');
    const write = await googleError(() =>
      asCarol.events.insert({ calendarId: SHARED, requestBody: { summary: 'no', ...timed } }),
    );
    expect(write.status).toBe(403);
    expect(write.reason).toBe('requiredAccessLevel');

    const stranger = await googleError(() => t.calendarFor(BOB).events.list({ calendarId: ALICE }));
    expect(stranger.status).toBe(404);
    expect(stranger.reason).toBe('notFound');
  });

  it('a reader sees a private event as busy, without details; writers, owners and guests see it all', async () => {
    const { data } = await t.calendarFor(ALICE).events.insert({
      calendarId: SHARED,
      requestBody: {
        summary: 'Therapy',
        description: 'room 12',
        location: 'Harley St',
        visibility: 'private',
        ...timed,
      },
    });
    const id = data.id ?? '';
    const asReader = (await t.calendarFor(CAROL).events.get({ calendarId: SHARED, eventId: id })).data;
    expect(asReader.start).toEqual(timed.start);
    expect(asReader.visibility).toBe('private');
    for (const hidden of [
      'summary',
      'description',
      'location',
      'attendees',
      'organizer',
      'extendedProperties',
    ])
      expect(asReader).not.toHaveProperty(hidden);
    const listed = await t.calendarFor(CAROL).events.list({ calendarId: SHARED });
    expect(listed.data.items?.find((e) => e.id === id)).not.toHaveProperty('summary');
    const asWriter = await t.calendarFor(ALICE).events.get({ calendarId: SHARED, eventId: id });
    const asOwner = await t.calendarFor(BOB).events.get({ calendarId: SHARED, eventId: id });
    expect([asWriter.data.summary, asOwner.data.summary]).toEqual(['Therapy', 'Therapy']);
    // A guest sees the details of what it is invited to, reader or not.
    const invited = await t.calendarFor(ALICE).events.insert({
      calendarId: SHARED,
      requestBody: { summary: 'Party', visibility: 'confidential', attendees: [{ email: CAROL }], ...timed },
    });
    const asGuest = await t
      .calendarFor(CAROL)
      .events.get({ calendarId: SHARED, eventId: invited.data.id ?? '' });
    expect(asGuest.data.summary).toBe('Party');
  });

  it('calendarList shows each calendar the user has in its list with its accessRole and the primary one', async () => {
    const { data } = await t.calendarFor(ALICE).calendarList.list();
    const byId = new Map((data.items ?? []).map((c) => [c.id ?? '', c]));
    expect(byId.get(ALICE)?.accessRole).toBe('owner');
    expect(byId.get(ALICE)?.primary).toBe(true);
    expect(byId.get(SHARED)?.accessRole).toBe('writer');
    expect(byId.get(SHARED)?.primary).toBeUndefined();
    expect(byId.get(BOB)).toBeUndefined();
    const carol = await t.calendarFor(CAROL).calendarList.list();
    expect(carol.data.items?.find((c) => c.id === SHARED)?.accessRole).toBe('reader');
  });

  it('"primary" names the caller\'s own calendar', async () => {
    const { data } = await t
      .calendarFor(BOB)
      .events.insert({ calendarId: 'primary', requestBody: { summary: 'Mine', ...timed } });
    expect(data.organizer?.email).toBe(BOB);
    expect(t.emu.getEvent(BOB, data.id ?? '')?.summary).toBe('Mine');
  });

  it('a guest may change reminders, colour and private properties but not the time: 403 forbiddenForNonOrganizer', async () => {
    const seeded = t.emu.seedEvent(
      ALICE,
      meeting({
        summary: 'Their meeting',
        ...timed,
        organizer: 'boss@elsewhere.example',
        attendees: ['boss@elsewhere.example', ALICE],
      }),
    );
    const cal = t.calendarFor(ALICE);
    const ok = await cal.events.patch({
      calendarId: ALICE,
      eventId: seeded.id ?? '',
      requestBody: {
        colorId: '5',
        reminders: { useDefault: false, overrides: [] },
        extendedProperties: { private: { mine: 'yes' } },
      },
    });
    expect(ok.data.colorId).toBe('5');
    const moved = await googleError(() =>
      cal.events.patch({
        calendarId: ALICE,
        eventId: seeded.id ?? '',
        requestBody: {
          start: { dateTime: '2026-06-01T12:00:00Z' },
          end: { dateTime: '2026-06-01T13:00:00Z' },
        },
      }),
    );
    expect(moved.status).toBe(403);
    expect(moved.body).toEqual({
      error: {
        code: 403,
        message: 'Shared properties can only be changed by the organizer of the event.',
        errors: [
          {
            domain: 'calendar',
            reason: 'forbiddenForNonOrganizer',
            message: 'Shared properties can only be changed by the organizer of the event.',
          },
        ],
      },
    });
    const guest = await cal.events.patch({
      calendarId: ALICE,
      eventId: seeded.id ?? '',
      requestBody: { attendees: [...(seeded.attendees ?? []), { email: SHARED }] },
    });
    expect(guest.data.attendees).toHaveLength(3);
  });

  it('a guest cannot add attendees when guestsCanInviteOthers is false', async () => {
    const seeded = t.emu.seedEvent(
      ALICE,
      meeting({
        summary: 'Closed',
        ...timed,
        organizer: 'boss@elsewhere.example',
        attendees: [ALICE],
        guestsCanInviteOthers: false,
      }),
    );
    const e = await googleError(() =>
      t.calendarFor(ALICE).events.patch({
        calendarId: ALICE,
        eventId: seeded.id ?? '',
        requestBody: { attendees: [{ email: ALICE }, { email: SHARED }] },
      }),
    );
    expect(e.status).toBe(403);
    expect(e.reason).toBe('forbiddenForNonOrganizer');
  });
});

describe('HTTP robustness', () => {
  async function bearer(): Promise<string> {
    const token = await t.authFor(ALICE).getAccessToken();
    return token.token ?? '';
  }

  it('answers a malformed JSON body with 400 parseError', async () => {
    const res = await fetch(`${t.emu.url}/calendar/v3/calendars/${ALICE}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer()}`, 'content-type': 'application/json' },
      body: '{"summary": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { errors: { reason: string }[] } };
    expect(body.error.errors[0]?.reason).toBe('parseError');
  });

  it('answers an unknown route with 404', async () => {
    const res = await fetch(`${t.emu.url}/calendar/v3/nothing/here`, {
      headers: { authorization: `Bearer ${await bearer()}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(404);
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await fetch(`${t.emu.url}/calendar/v3/calendars/${ALICE}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await bearer()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ summary: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
  });
});
