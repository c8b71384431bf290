/**
 * A copy calsync itself deleted from the shared calendar is no person's
 * deletion. Two source accounts attending one meeting share one block id
 * (busy blocks and mirrors live in one id space per meeting); when one
 * account's poll deletes it on purpose, the other account's entry must not be
 * read as "dismissed" by the shared calendar's listing, or the meeting would
 * never be shared again. End to end, through the built binary.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples, type GoogleEvent } from '../src/emulator/index.js';
import { copyEventId } from '../src/sync/ids.js';
import { MARKER } from '../src/sync/types.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const RESPECTED = 'deleted from the shared calendar by a person; respected';

interface Report {
  actions: { calendarId: string; eventId: string; action: string; result: string; reason?: string }[];
}
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function poll(w: World, ...args: string[]): Promise<Report> {
  const res = await w.cli.run(['poll', '--json', ...args]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Report;
}

async function config(w: World, key: string, value: string): Promise<void> {
  const res = await w.cli.run(['config', 'set', key, value]);
  expect(res.code, res.stderr).toBe(0);
}

const calsyncEvents = (w: World): GoogleEvent[] =>
  w.emu.listEvents(SHARED).filter((e) => e.extendedProperties?.private?.[MARKER.source]);

describe('a copy calsync deleted is not a person’s deletion', () => {
  it("bob's copy of a meeting alice invites the shared calendar to again is not dismissed when alice's poll deletes their shared block", async () => {
    world = await startWorld({ sources: [ALICE, BOB] });
    const dinner = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Dinner plan',
        start: at(3, 18),
        end: at(3, 19),
        attendees: [{ email: BOB, responseStatus: 'accepted' }],
      }),
    );
    const id = dinner.id ?? '';
    await poll(world);
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);

    // Both calendars busy: one busy block for the meeting, which both entries point at.
    await config(world, 'calendarDetails', `${ALICE}=busy,${BOB}=busy`);
    await poll(world, '--full-resync');
    await poll(world);
    const block = copyEventId(SHARED, ALICE, id, 'mirror');
    expect(calsyncEvents(world).map((e) => e.id)).toEqual([block]);
    for (const source of [ALICE, BOB]) expect(world.state()?.events[source]?.get(id)?.copyId).toBe(block);

    // Both full again. Bob's calendar goes first (alice's listing fails once and is retried): bob
    // turns the block back into a mirror in place, then alice invites the shared calendar again
    // and deletes the block, on purpose.
    await config(world, 'calendarDetails', `${ALICE}=full,${BOB}=full`);
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: `/calendars/${ALICE}/events`,
      status: 503,
      latencyMs: 500,
      times: 1,
    });
    world.emu.clearRequestLog();
    await poll(world, '--full-resync');
    const toBlock = world.emu.requests.filter((r) => r.path.endsWith(`/calendars/${SHARED}/events/${block}`));
    expect(toBlock.map((r) => r.method)).toEqual(['GET', 'PUT', 'DELETE']);
    expect(world.emu.getEvent(SHARED, block)?.status).toBe('cancelled');
    expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);

    // The shared calendar's listing shows the block cancelled: calsync's own doing, nobody's choice.
    const next = await poll(world);
    expect(next.actions.filter((a) => a.reason === RESPECTED)).toEqual([]);
    for (const source of [ALICE, BOB])
      expect(world.state()?.events[source]?.get(id)?.delivery, source).not.toBe('dismissed');

    // Still shared: made private, the meeting gets its busy block (nothing holds it back as "deleted by a person").
    world.emu.updateEvent(ALICE, id, { visibility: 'private' });
    const later = await poll(world);
    await poll(world);
    expect(later.actions.filter((a) => a.reason === RESPECTED)).toEqual([]);
    expect(calsyncEvents(world).map((e) => e.summary)).toEqual([`Busy (${ALICE})`]);
    expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(0);
  });
});
