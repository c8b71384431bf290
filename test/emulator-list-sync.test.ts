import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meeting } from '../src/emulator/samples.js';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

let t: TestEmulator;
let calId = 0;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: ['lister@example.com'] });
});
afterAll(async () => t.close());

/** A fresh calendar per test, so listings are exact. */
function freshCalendar(): string {
  calId += 1;
  const id = `cal${calId}@group.example.com`;
  t.emu.addCalendar(id, { owner: 'lister@example.com' });
  return id;
}

const cal = () => t.calendarFor('lister@example.com');
const at = (day: number, hour = 10) =>
  `2026-07-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

describe('events.list paging', () => {
  it('pages with nextPageToken on every page but the last, and nextSyncToken only on the last', async () => {
    const id = freshCalendar();
    for (let i = 0; i < 7; i += 1)
      t.emu.seedEvent(id, meeting({ summary: `e${i}`, start: at(1 + i), end: at(1 + i, 11) }));
    const pages: { count: number; next: boolean; sync: boolean }[] = [];
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await cal().events.list({ calendarId: id, maxResults: 3, pageToken });
      pages.push({
        count: data.items?.length ?? 0,
        next: Boolean(data.nextPageToken),
        sync: Boolean(data.nextSyncToken),
      });
      seen.push(...(data.items ?? []).map((e) => e.summary ?? ''));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(pages).toEqual([
      { count: 3, next: true, sync: false },
      { count: 3, next: true, sync: false },
      { count: 1, next: false, sync: true },
    ]);
    expect(seen.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });

  it('returns at most 250 by default and 2500 when more is asked', async () => {
    const id = freshCalendar();
    for (let i = 0; i < 260; i += 1)
      t.emu.seedEvent(id, meeting({ summary: `bulk${i}`, start: at(1), end: at(1, 11) }));
    const first = await cal().events.list({ calendarId: id });
    expect(first.data.items).toHaveLength(250);
    expect(first.data.nextPageToken).toBeTruthy();
    const big = await cal().events.list({ calendarId: id, maxResults: 5000 });
    expect(big.data.items).toHaveLength(260);
    expect(big.data.nextSyncToken).toBeTruthy();
  });
});

describe('incremental sync', () => {
  it('returns only what changed since the token, deleted events as status cancelled', async () => {
    const id = freshCalendar();
    const a = t.emu.seedEvent(id, meeting({ summary: 'a', start: at(1), end: at(1, 11) }));
    const b = t.emu.seedEvent(id, meeting({ summary: 'b', start: at(2), end: at(2, 11) }));
    t.emu.seedEvent(id, meeting({ summary: 'c', start: at(3), end: at(3, 11) }));
    const full = await cal().events.list({ calendarId: id });
    const token = full.data.nextSyncToken ?? '';
    expect(token).toBeTruthy();

    t.emu.updateEvent(id, a.id ?? '', { summary: 'a2' });
    await cal().events.delete({ calendarId: id, eventId: b.id ?? '' });
    const added = await cal().events.insert({
      calendarId: id,
      requestBody: { summary: 'd', start: { dateTime: at(4) }, end: { dateTime: at(4, 11) } },
    });

    const inc = await cal().events.list({ calendarId: id, syncToken: token });
    const byId = new Map((inc.data.items ?? []).map((e) => [e.id ?? '', e]));
    expect([...byId.keys()].sort()).toEqual([a.id, b.id, added.data.id].sort());
    expect(byId.get(a.id ?? '')?.summary).toBe('a2');
    expect(byId.get(b.id ?? '')?.status).toBe('cancelled');
    expect(inc.data.nextSyncToken).toBeTruthy();

    const none = await cal().events.list({ calendarId: id, syncToken: inc.data.nextSyncToken ?? '' });
    expect(none.data.items).toEqual([]);
  });

  it('answers 410 fullSyncRequired once sync tokens are invalidated', async () => {
    const id = freshCalendar();
    t.emu.seedEvent(id, meeting({ summary: 'a', start: at(1), end: at(1, 11) }));
    const { data } = await cal().events.list({ calendarId: id });
    t.emu.invalidateSyncTokens(id);
    const e = await googleError(() =>
      cal().events.list({ calendarId: id, syncToken: data.nextSyncToken ?? '' }),
    );
    expect(e.status).toBe(410);
    expect(e.body).toEqual({
      error: {
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
            location: 'syncToken',
            locationType: 'parameter',
          },
        ],
      },
    });
    const again = await cal().events.list({ calendarId: id });
    const inc = await cal().events.list({ calendarId: id, syncToken: again.data.nextSyncToken ?? '' });
    expect(inc.status).toBe(200);
  });

  it('refuses syncToken together with filtering parameters (400)', async () => {
    const id = freshCalendar();
    const { data } = await cal().events.list({ calendarId: id });
    const token = data.nextSyncToken ?? '';
    const combos = [
      { timeMin: at(1) },
      { timeMax: at(1) },
      { q: 'x' },
      { updatedMin: at(1) },
      { iCalUID: 'x@google.com' },
      { orderBy: 'updated' },
      { privateExtendedProperty: ['k=v'] },
      { sharedExtendedProperty: ['k=v'] },
    ];
    for (const extra of combos) {
      const e = await googleError(() => cal().events.list({ calendarId: id, syncToken: token, ...extra }));
      expect(e.status, JSON.stringify(extra)).toBe(400);
    }
  });

  it('keeps a change made while paging for the next incremental listing', async () => {
    const id = freshCalendar();
    for (let i = 0; i < 4; i += 1)
      t.emu.seedEvent(id, meeting({ summary: `p${i}`, start: at(1 + i), end: at(1 + i, 11) }));
    const first = await cal().events.list({ calendarId: id, maxResults: 2 });
    const early = t.emu.listEvents(id)[0];
    t.emu.updateEvent(id, early?.id ?? '', { summary: 'changed while paging' });
    const second = await cal().events.list({
      calendarId: id,
      maxResults: 2,
      pageToken: first.data.nextPageToken ?? '',
    });
    const inc = await cal().events.list({ calendarId: id, syncToken: second.data.nextSyncToken ?? '' });
    expect(inc.data.items?.map((e) => e.summary)).toEqual(['changed while paging']);
  });
});

describe('filters', () => {
  it('bounds by timeMin (end) and timeMax (start), keeping a series that reaches the window', async () => {
    const id = freshCalendar();
    t.emu.seedEvent(id, meeting({ summary: 'before', start: at(1), end: at(1, 11) }));
    t.emu.seedEvent(id, meeting({ summary: 'inside', start: at(10), end: at(10, 11) }));
    t.emu.seedEvent(id, meeting({ summary: 'after', start: at(25), end: at(25, 11) }));
    t.emu.seedEvent(
      id,
      meeting({
        summary: 'series',
        start: '2026-01-05T09:00:00Z',
        end: '2026-01-05T10:00:00Z',
        recurrence: ['RRULE:FREQ=WEEKLY'],
      }),
    );
    t.emu.seedEvent(
      id,
      meeting({
        summary: 'ended series',
        start: '2026-01-05T09:00:00Z',
        end: '2026-01-05T10:00:00Z',
        recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20260301T000000Z'],
      }),
    );
    const { data } = await cal().events.list({ calendarId: id, timeMin: at(5), timeMax: at(20) });
    expect(data.items?.map((e) => e.summary).sort()).toEqual(['inside', 'series']);
    const series = data.items?.find((e) => e.summary === 'series');
    expect(series?.recurrence).toEqual(['RRULE:FREQ=WEEKLY']);
  });

  it('hides deleted events unless showDeleted, but lists cancelled occurrences as exceptions', async () => {
    const id = freshCalendar();
    const gone = t.emu.seedEvent(id, meeting({ summary: 'gone', start: at(1), end: at(1, 11) }));
    t.emu.cancelEvent(id, gone.id ?? '');
    const master = t.emu.seedEvent(
      id,
      meeting({ summary: 'weekly', start: at(6, 9), end: at(6, 10), recurrence: ['RRULE:FREQ=WEEKLY'] }),
    );
    await cal().events.delete({ calendarId: id, eventId: `${master.id}_20260713T090000Z` });
    const moved = await cal().events.patch({
      calendarId: id,
      eventId: `${master.id}_20260720T090000Z`,
      requestBody: { summary: 'weekly (late)' },
    });
    expect(moved.data.recurringEventId).toBe(master.id);

    const { data } = await cal().events.list({ calendarId: id });
    const ids = data.items?.map((e) => e.id);
    expect(ids).not.toContain(gone.id);
    const cancelledOccurrence = data.items?.find((e) => e.id === `${master.id}_20260713T090000Z`);
    expect(cancelledOccurrence?.status).toBe('cancelled');
    expect(cancelledOccurrence?.recurringEventId).toBe(master.id);
    expect(cancelledOccurrence?.originalStartTime?.dateTime).toBe('2026-07-13T09:00:00Z');
    expect(data.items?.find((e) => e.id === master.id)?.recurrence).toEqual(['RRULE:FREQ=WEEKLY']);
    expect(data.items?.find((e) => e.id === `${master.id}_20260720T090000Z`)?.summary).toBe('weekly (late)');

    const withDeleted = await cal().events.list({ calendarId: id, showDeleted: true });
    expect(withDeleted.data.items?.find((e) => e.id === gone.id)?.status).toBe('cancelled');
  });

  it('filters by privateExtendedProperty', async () => {
    const id = freshCalendar();
    t.emu.seedEvent(id, {
      ...meeting({ summary: 'tagged', start: at(1), end: at(1, 11) }),
      extendedProperties: { private: { calsyncSource: 'abc' } },
    });
    t.emu.seedEvent(id, {
      ...meeting({ summary: 'other', start: at(1), end: at(1, 11) }),
      extendedProperties: { private: { calsyncSource: 'def' } },
    });
    t.emu.seedEvent(id, meeting({ summary: 'plain', start: at(1), end: at(1, 11) }));
    const { data } = await cal().events.list({
      calendarId: id,
      privateExtendedProperty: ['calsyncSource=abc'],
    });
    expect(data.items?.map((e) => e.summary)).toEqual(['tagged']);
  });

  it('answers singleEvents=true with a clear 400', async () => {
    const id = freshCalendar();
    const e = await googleError(() => cal().events.list({ calendarId: id, singleEvents: true }));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/singleEvents=true is not supported/);
  });
});
