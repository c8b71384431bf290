/**
 * Burnt ids (issue 11, point 2), end to end through the built binary, with the
 * emulator in both modes: a deleted event can be restored, or it cannot (403
 * on update, as reported against Google's client libraries; re-insert is 409
 * in both). A copy or mirror whose deterministic id is burnt moves to the next
 * id of its sequence; a lost state finds it again; nothing stays failed.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { idOfGeneration } from '../src/sync/burnt-ids.js';
import { copyEventId } from '../src/sync/ids.js';
import { SHARED, at, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe.each(['restorable', 'burnt'] as const)('deleted ids %s', (mode) => {
  it('a source cancelled then restored gets its copy and mirror back, once, and a lost state finds them again', async () => {
    world = await startWorld();
    world.emu.deletedEvents = mode;
    const flight = world.emu.seedEvent(
      ALICE,
      samples.gmailEvent({ summary: 'Flight LH 1', start: at(4, 8), end: at(4, 10) }),
    );
    const board = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Board',
        start: at(2, 14),
        end: at(2, 15),
        organizer: 'bob@corp.test',
        attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
      }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.cancelEvent(ALICE, flight.id ?? '');
    world.emu.cancelEvent(ALICE, board.id ?? '');
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, ALICE, 'Flight LH 1')).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Board')).toBe(0);

    world.emu.updateEvent(ALICE, flight.id ?? '', { status: 'confirmed' });
    world.emu.updateEvent(ALICE, board.id ?? '', { status: 'confirmed' });
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    // Alice's flight itself plus one copy; one mirror.
    expect(countBySummary(world.emu, ALICE, 'Flight LH 1')).toBe(2);
    expect(countBySummary(world.emu, SHARED, 'Board')).toBe(1);
    const gmailId = copyEventId(SHARED, ALICE, flight.id ?? '', 'gmail');
    const mirrorId = copyEventId(SHARED, ALICE, board.id ?? '', 'mirror');
    const generation = mode === 'burnt' ? 1 : 0;
    expect(world.emu.getEvent(ALICE, idOfGeneration(gmailId, generation))?.status).toBe('confirmed');
    expect(world.emu.getEvent(SHARED, idOfGeneration(mirrorId, generation))?.status).toBe('confirmed');
    expect(world.state()?.events[ALICE]?.get(flight.id ?? '')?.copyId).toBe(
      idOfGeneration(gmailId, generation),
    );

    rmSync(join(world.cli.dir, 'state.json'));
    const again = await world.cli.run(['poll']);
    expect(again.code, again.stderr).toBe(0);
    expect(countBySummary(world.emu, ALICE, 'Flight LH 1')).toBe(2);
    expect(countBySummary(world.emu, SHARED, 'Board')).toBe(1);
    expect(world.state()?.events[ALICE]?.get(board.id ?? '')?.copyId).toBe(
      idOfGeneration(mirrorId, generation),
    );
    expect(world.state()?.events[ALICE]?.pendingIds()).toEqual([]);
  });
});
