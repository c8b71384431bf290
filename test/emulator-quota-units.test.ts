/**
 * Conformance of the emulator's quota units, conditional writes and calendar
 * list, through the real @googleapis/calendar client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { meeting } from '../src/emulator/samples.js';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const SHARED = 'family@group.calendar.example.com';

const CONDITION_NOT_MET = {
  error: {
    code: 412,
    message: 'Precondition Failed',
    errors: [
      {
        domain: 'global',
        reason: 'conditionNotMet',
        message: 'Precondition Failed',
        locationType: 'header',
        location: 'If-Match',
      },
    ],
  },
};

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({
    accounts: [ALICE, BOB],
    sharedCalendar: { id: SHARED, owner: BOB, writers: [ALICE], summary: 'Family' },
  });
});
afterAll(async () => t.close());
beforeEach(() => t.emu.setQuota(null));

const seed = () =>
  t.emu.seedEvent(
    ALICE,
    meeting({ summary: 'Lunch', start: '2026-06-01T10:00:00Z', end: '2026-06-01T11:00:00Z' }),
  );

describe('quota units', () => {
  // events.patch reference: "each patch request consumes three quota units; prefer using a get followed by an update".
  it('an events.patch costs three units of the per-user minute, every other request one', async () => {
    const ev = seed();
    const alice = t.calendarFor(ALICE);
    await alice.events.get({ calendarId: ALICE, eventId: ev.id ?? '' }); // the token is fetched outside the count
    t.emu.setQuota(4);
    await alice.events.patch({ calendarId: ALICE, eventId: ev.id ?? '', requestBody: { summary: 'a' } });
    await alice.events.get({ calendarId: ALICE, eventId: ev.id ?? '' });
    const over = await googleError(() => alice.events.get({ calendarId: ALICE, eventId: ev.id ?? '' }));
    expect(over.status).toBe(403);
    expect(over.reason).toBe('userRateLimitExceeded');
    const units = t.emu.requests.filter((r) => r.status === 200).map((r) => [r.method, r.units]);
    expect(units.slice(-2)).toEqual([
      ['PATCH', 3],
      ['GET', 1],
    ]);
  });

  it('a patch that would go over the limit is refused whole, while a 1-unit request still fits', async () => {
    const ev = seed();
    const alice = t.calendarFor(ALICE);
    await alice.events.get({ calendarId: ALICE, eventId: ev.id ?? '' });
    t.emu.setQuota(2);
    const patch = await googleError(() =>
      alice.events.patch({ calendarId: ALICE, eventId: ev.id ?? '', requestBody: { summary: 'b' } }),
    );
    expect(patch.status).toBe(403);
    const { status } = await alice.events.get({ calendarId: ALICE, eventId: ev.id ?? '' });
    expect(status).toBe(200);
  });
});

describe('If-Match (conditional writes)', () => {
  // Guide "Get specific versions of resources": If-Match on update or delete succeeds only
  // while the resource is unchanged, otherwise 412 Precondition Failed.
  it('an update with the current etag succeeds and the etag changes', async () => {
    const ev = seed();
    const alice = t.calendarFor(ALICE);
    const { data } = await alice.events.update(
      { calendarId: ALICE, eventId: ev.id ?? '', requestBody: { ...ev, summary: 'Lunch!' } },
      { headers: { 'If-Match': ev.etag ?? '' } },
    );
    expect(data.summary).toBe('Lunch!');
    expect(data.etag).not.toBe(ev.etag);
    expect(t.emu.requests.at(-1)?.status).toBe(200);
  });

  it('an update with a stale etag answers 412 conditionNotMet and changes nothing', async () => {
    const ev = seed();
    t.emu.updateEvent(ALICE, ev.id ?? '', { location: 'Room 2' });
    const e = await googleError(() =>
      t
        .calendarFor(ALICE)
        .events.update(
          { calendarId: ALICE, eventId: ev.id ?? '', requestBody: { ...ev, summary: 'stale' } },
          { headers: { 'If-Match': ev.etag ?? '' } },
        ),
    );
    expect(e.status).toBe(412);
    expect(e.body).toEqual(CONDITION_NOT_MET);
    expect(t.emu.getEvent(ALICE, ev.id ?? '')?.summary).toBe('Lunch');
    expect(t.emu.getEvent(ALICE, ev.id ?? '')?.location).toBe('Room 2');
  });

  it('a patch with a stale etag answers 412 conditionNotMet', async () => {
    const ev = seed();
    t.emu.updateEvent(ALICE, ev.id ?? '', { location: 'Room 3' });
    const e = await googleError(() =>
      t
        .calendarFor(ALICE)
        .events.patch(
          { calendarId: ALICE, eventId: ev.id ?? '', requestBody: { summary: 'stale' } },
          { headers: { 'If-Match': ev.etag ?? '' } },
        ),
    );
    expect(e.status).toBe(412);
    expect(e.body).toEqual(CONDITION_NOT_MET);
    expect(t.emu.getEvent(ALICE, ev.id ?? '')?.summary).toBe('Lunch');
  });

  it('a delete with a stale etag answers 412 and the event stays; with the current one it goes', async () => {
    const ev = seed();
    const changed = t.emu.updateEvent(ALICE, ev.id ?? '', { location: 'Room 4' });
    const alice = t.calendarFor(ALICE);
    const e = await googleError(() =>
      alice.events.delete(
        { calendarId: ALICE, eventId: ev.id ?? '' },
        { headers: { 'If-Match': ev.etag ?? '' } },
      ),
    );
    expect(e.status).toBe(412);
    expect(e.reason).toBe('conditionNotMet');
    expect(t.emu.getEvent(ALICE, ev.id ?? '')?.status).toBe('confirmed');
    await alice.events.delete(
      { calendarId: ALICE, eventId: ev.id ?? '' },
      { headers: { 'If-Match': changed.etag ?? '' } },
    );
    expect(t.emu.getEvent(ALICE, ev.id ?? '')?.status).toBe('cancelled');
  });

  it('every modification gives the event a new etag', async () => {
    const ev = seed();
    const etags = new Set([ev.etag]);
    const alice = t.calendarFor(ALICE);
    for (const summary of ['a', 'b', 'c']) {
      const { data } = await alice.events.patch({
        calendarId: ALICE,
        eventId: ev.id ?? '',
        requestBody: { summary },
      });
      etags.add(data.etag);
    }
    expect(etags.size).toBe(4);
  });
});

describe('calendar list', () => {
  // calendarList.get answers only for calendars in the user's list; ACL access alone shows no entry.
  it('calendarList.get answers 404 for a calendar shared with the user through its ACL alone', async () => {
    const e = await googleError(() => t.calendarFor(ALICE).calendarList.get({ calendarId: SHARED }));
    expect(e.status).toBe(404);
    const { data } = await t.calendarFor(ALICE).calendarList.list();
    expect((data.items ?? []).map((c) => c.id)).toEqual([ALICE]);
  });

  it('the owner has it in its list, and events.list tells an ACL-only writer its accessRole', async () => {
    const owner = await t.calendarFor(BOB).calendarList.get({ calendarId: SHARED });
    expect(owner.data.accessRole).toBe('owner');
    const listed = await t.calendarFor(ALICE).events.list({ calendarId: SHARED, maxResults: 1 });
    expect(listed.data.accessRole).toBe('writer');
  });
});
