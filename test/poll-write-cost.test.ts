/**
 * Every write at Google's lowest quota cost that overwrites no one's edit,
 * end to end through the built binary: invites are one update (PUT) with
 * If-Match of the event as listed; a change made meanwhile (412) is read and
 * merged; copies follow with a read and a conditional update, never a patch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';
import { invitedMarkerKey } from '../src/sync/ownership.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const eventRequests = (w: World, calendar: string, eventId: string) =>
  w.emu.requests
    .filter((r) => r.path === `/calendar/v3/calendars/${calendar}/events/${eventId}`)
    .map((r) => `${r.method} ${r.status}`);

describe('quota cost of writes', () => {
  it('an invite is one update of the event as listed (1 unit): no read, no patch, every attendee and response kept', async () => {
    world = await startWorld();
    const own = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Dinner',
        start: at(1, 19),
        end: at(1, 21),
        attendees: [
          { email: 'jo@example.test', responseStatus: 'accepted' },
          { email: 'max@example.test', responseStatus: 'declined', comment: 'away' },
        ],
      }),
    );
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(eventRequests(world, ALICE, own.id ?? '')).toEqual(['PUT 200']);
    const after = world.emu.getEvent(ALICE, own.id ?? '');
    expect(after?.attendees?.map((a) => [a.email, a.responseStatus, a.comment])).toEqual([
      ['jo@example.test', 'accepted', undefined],
      ['max@example.test', 'declined', 'away'],
      [SHARED, undefined, undefined],
    ]);
    expect(after?.summary).toBe('Dinner');
    expect(after?.extendedProperties?.private?.[invitedMarkerKey(SHARED)]).toBe(SHARED);
    const report = JSON.parse(res.stdout) as { quotaUnits: number; apiCalls: number };
    // One listing and one update: nothing else.
    expect(report.quotaUnits).toBe(2);
    expect(world.emu.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it("a change made between the listing and the invite (412) is read and merged: nobody's edit or response is lost", async () => {
    world = await startWorld();
    const own = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Picnic',
        start: at(1, 12),
        end: at(1, 14),
        attendees: [{ email: 'jo@example.test', responseStatus: 'needsAction' }],
      }),
    );
    const id = own.id ?? '';
    // The first update is held until the test has changed the event: its etag is then stale.
    world.emu.injectFaults({ method: 'PUT', pathIncludes: `/events/${id}`, latencyMs: 1500, times: 1 });
    const poll = world.cli.run(['poll']);
    const w = world;
    await waitFor(() => w.emu.requests.some((r) => r.method === 'PUT' && r.path.endsWith(id)));
    world.emu.updateEvent(ALICE, id, {
      location: 'The park',
      attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
    });
    const res = await poll;
    expect(res.code, res.stderr).toBe(0);
    expect(eventRequests(world, ALICE, id)).toEqual(['PUT 412', 'GET 200', 'PUT 200']);
    const after = world.emu.getEvent(ALICE, id);
    expect(after?.location).toBe('The park');
    expect(after?.attendees?.map((a) => [a.email, a.responseStatus])).toEqual([
      ['jo@example.test', 'accepted'],
      [SHARED, undefined],
    ]);
  });

  it('a retried invite updates the event as fetched by id: one read, one update, no second read', async () => {
    world = await startWorld();
    const own = world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'Walk', start: at(1, 8), end: at(1, 9) }),
    );
    // The first invite fails once, so the next poll fetches the event by id.
    world.emu.injectFaults({ method: 'PUT', status: 400, reason: 'invalid', times: 1 });
    expect((await world.cli.run(['poll'])).code).toBe(1);
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    // Retried from a GET by id (a full resource): one update, no further read.
    expect(eventRequests(world, ALICE, own.id ?? '')).toEqual(['GET 200', 'PUT 200']);
    expect(attendeeCount(world.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(1);
  });

  it('a copy follows its source with a read and a conditional update (2 units), never a patch (3), and keeps its guests', async () => {
    world = await startWorld();
    const flight = world.emu.seedEvent(
      ALICE,
      samples.gmailEvent({ summary: 'Flight LH 1', start: at(4, 8), end: at(4, 10) }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const copy = world.emu
      .listEvents(ALICE)
      .find((e) => e.extendedProperties?.private?.calsyncSource?.endsWith(flight.id ?? ''));
    expect(copy).toBeDefined();
    // A person adds a guest to the copy; then the flight moves.
    world.emu.updateEvent(ALICE, copy?.id ?? '', {
      attendees: [...(copy?.attendees ?? []), { email: 'kid@example.test' }],
    });
    world.emu.updateEvent(ALICE, flight.id ?? '', {
      start: { dateTime: at(4, 9) },
      end: { dateTime: at(4, 11) },
    });
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(eventRequests(world, ALICE, copy?.id ?? '')).toEqual(['GET 200', 'PUT 200']);
    const after = world.emu.getEvent(ALICE, copy?.id ?? '');
    expect(after?.start?.dateTime).toBe(at(4, 9));
    expect(after?.attendees?.map((a) => a.email)).toEqual([SHARED, 'kid@example.test']);
    expect(world.emu.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('condition not reached');
}
