import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
const SHARED = 'family@example.com';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE, SHARED] });
  t.emu.addCalendar(SHARED, { owner: SHARED, writers: [ALICE] });
});
afterAll(async () => t.close());

const timed = { start: { dateTime: '2026-04-01T10:00:00Z' }, end: { dateTime: '2026-04-01T11:00:00Z' } };

describe('invitations', () => {
  it('an event inviting a calendar of the emulator appears there with the same id and organizer', async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: {
        summary: 'Picnic',
        ...timed,
        attendees: [{ email: SHARED }],
        extendedProperties: { private: { mine: 'alice' } },
      },
    });
    const copy = t.emu.getEvent(SHARED, data.id ?? '');
    expect(copy?.summary).toBe('Picnic');
    expect(copy?.organizer).toEqual({ email: ALICE });
    expect(copy?.attendees?.[0]).toMatchObject({ email: SHARED, self: true });
    // Private properties belong to each calendar's own copy.
    expect(copy?.extendedProperties?.private).toBeUndefined();

    const listed = await t.calendarFor(SHARED).events.list({ calendarId: SHARED });
    expect(listed.data.items?.map((e) => e.id)).toContain(data.id);
  });

  it('follows the organizer: a change updates the copy, removing the attendee cancels it', async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'Trip', ...timed, attendees: [{ email: SHARED }, { email: 'x@example.com' }] },
    });
    await cal.events.patch({
      calendarId: ALICE,
      eventId: data.id ?? '',
      requestBody: { summary: 'Trip (moved)' },
    });
    expect(t.emu.getEvent(SHARED, data.id ?? '')?.summary).toBe('Trip (moved)');
    await cal.events.patch({
      calendarId: ALICE,
      eventId: data.id ?? '',
      requestBody: { attendees: [{ email: 'x@example.com' }] },
    });
    expect(t.emu.getEvent(SHARED, data.id ?? '')?.status).toBe('cancelled');
  });

  it("deleting the event cancels the copy, which then shows in the invited calendar's sync stream", async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'Concert', ...timed, attendees: [{ email: SHARED }] },
    });
    const shared = t.calendarFor(SHARED);
    const full = await shared.events.list({ calendarId: SHARED });
    await cal.events.delete({ calendarId: ALICE, eventId: data.id ?? '' });
    const inc = await shared.events.list({ calendarId: SHARED, syncToken: full.data.nextSyncToken ?? '' });
    expect(inc.data.items).toEqual([expect.objectContaining({ id: data.id, status: 'cancelled' })]);
  });

  it('seeded events invite too', () => {
    const e = t.emu.seedEvent(ALICE, { summary: 'Seeded', ...timed, attendees: [{ email: SHARED }] });
    expect(t.emu.getEvent(SHARED, e.id ?? '')?.summary).toBe('Seeded');
  });
});
