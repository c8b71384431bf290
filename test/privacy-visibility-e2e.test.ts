/**
 * privateEvents full, end to end through the built binary: a private meeting
 * mirrored onto the shared calendar shows to the calendar's readers as busy,
 * as Google's own invitation copy would, and its details again once it is
 * made public (the mirror updated in place).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples, type GoogleEvent } from '../src/emulator/index.js';
import { MARKER } from '../src/sync/types.js';
import { calendarClientFor } from './helpers/emulator.js';
import { SHARED, at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@corp.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function poll(w: World, ...args: string[]): Promise<void> {
  const res = await w.cli.run(['poll', ...args]);
  expect(res.code, res.stderr).toBe(0);
}

/** The shared calendar's events as one of its readers lists them (Google's reader view). */
async function readerView(w: World, reader: string): Promise<GoogleEvent[]> {
  const listed = await calendarClientFor(w.emu, reader).events.list({ calendarId: SHARED });
  return listed.data.items ?? [];
}

describe('privateEvents full: a mirror keeps its source private', () => {
  it("a reader of the shared calendar sees a private meeting's mirror as busy; made public, in full", async () => {
    // Only alice may write the shared calendar; bob reads it.
    world = await startWorld({ sources: [ALICE, BOB], sharedWriters: [ALICE] });
    const set = await world.cli.run(['config', 'set', 'privateEvents', 'full']);
    expect(set.code, set.stderr).toBe(0);
    const meeting = world.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Interview at Acme',
        description: 'salary talk',
        start: at(2, 14),
        end: at(2, 15),
        organizer: CAROL,
        attendees: [CAROL, { email: ALICE, responseStatus: 'accepted' }],
      }),
      visibility: 'private',
    });
    await poll(world);
    const mirrors = world.emu
      .listEvents(SHARED)
      .filter((e) => e.extendedProperties?.private?.[MARKER.source]);
    expect(mirrors).toHaveLength(1);
    // Shared in full with the calendar's writers (privateEvents full), private like its source.
    expect(mirrors[0]).toMatchObject({ summary: 'Interview at Acme', visibility: 'private' });
    const [seen] = await readerView(world, BOB);
    expect(seen?.id).toBe(mirrors[0]?.id);
    expect(seen?.start).toEqual(meeting.start);
    for (const hidden of ['summary', 'description', 'organizer', 'extendedProperties'])
      expect(seen).not.toHaveProperty(hidden);

    // Made public: the mirror is updated in place, and its readers see it all.
    world.emu.updateEvent(ALICE, meeting.id ?? '', { visibility: 'public' });
    world.emu.clearRequestLog();
    await poll(world);
    const updates = world.emu.requests.filter((r) => r.method === 'PUT');
    expect(updates).toHaveLength(1);
    const [back] = await readerView(world, BOB);
    expect(back).toMatchObject({ id: mirrors[0]?.id, summary: 'Interview at Acme' });
    expect(back?.visibility ?? 'default').toBe('default');
    expect(back?.description).toContain('salary talk');

    // Private again: hidden again.
    world.emu.updateEvent(ALICE, meeting.id ?? '', { visibility: 'confidential' });
    await poll(world);
    const [again] = await readerView(world, BOB);
    expect(again?.visibility).toBe('confidential');
    expect(again).not.toHaveProperty('summary');
  });
});
