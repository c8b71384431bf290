/**
 * Issue 16, cancelled sources calsync has no entry for, through the built
 * binary: the copies it could have made are found by their deterministic ids
 * and deleted (a lost state, an entry gone), at a bounded cost.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { openState } from '../src/state/index.js';
import { SHARED, at, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const meeting = (summary: string, day: number) =>
  samples.meeting({
    summary,
    start: at(day, 14),
    end: at(day, 15),
    organizer: 'bob@corp.test',
    attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
  });

function seed(w: World) {
  return {
    board: w.emu.seedEvent(ALICE, meeting('Board meeting', 2)),
    stays: w.emu.seedEvent(ALICE, meeting('Standing meeting', 3)),
    ann: w.emu.seedEvent(ALICE, samples.birthdayEvent({ summary: 'Ann', date: at(5, 0).slice(0, 10) })),
    flight: w.emu.seedEvent(
      ALICE,
      samples.gmailEvent({ summary: 'Flight BA 117', start: at(4, 8), end: at(4, 16), location: 'LHR' }),
    ),
  };
}

const copiesOf = (w: World, summary: string) =>
  countBySummary(w.emu, SHARED, summary) + countBySummary(w.emu, ALICE, summary);
const deletes = (w: World) => w.emu.requests.filter((r) => r.method === 'DELETE').length;

describe('cancelled sources without a state entry', () => {
  it('after a lost state.json: the copies of sources cancelled meanwhile are found by id and deleted, no duplicate made', async () => {
    world = await startWorld();
    const s = seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(1);
    rmSync(join(world.cli.dir, 'state.json'));
    for (const e of [s.board, s.ann, s.flight]) world.emu.cancelEvent(ALICE, e.id ?? '');
    const before = deletes(world);
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(0);
    // The birthday and Gmail copies on Alice's calendar (the originals are cancelled, so only copies could be live).
    expect(
      world.emu.listEvents(ALICE).filter((e) => ['Ann', 'Flight BA 117'].includes(e.summary ?? '')),
    ).toEqual([]);
    expect(copiesOf(world, 'Standing meeting')).toBe(2);
    expect(countBySummary(world.emu, SHARED, 'Standing meeting')).toBe(1);
    // Bounded: one delete per rule's id per cancellation, no more.
    expect(deletes(world) - before).toBe(3 * 3);
    const report = JSON.parse(res.stdout) as {
      actions: { eventId: string; action: string; result: string }[];
    };
    expect(report.actions.filter((a) => a.action === 'delete-orphans').map((a) => a.result)).toEqual([
      'done',
      'done',
      'done',
    ]);
  });

  it('after its entry was dropped: an incremental poll deletes the mirror of a cancelled source', async () => {
    world = await startWorld();
    const s = seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const store = await openState(world.cli.dir);
    store.state.events[ALICE]?.delete(s.board.id ?? '');
    await store.save();
    expect(readFileSync(join(world.cli.dir, 'state.json'), 'utf8')).not.toContain(`${s.board.id ?? ''} `);
    world.emu.cancelEvent(ALICE, s.board.id ?? '');
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as { calendars: { fullSync: boolean }[] }).calendars[0]?.fullSync).toBe(
      false,
    );
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Standing meeting')).toBe(1);
  });

  it('counts the search in the write budget: what does not fit waits for the next poll', async () => {
    world = await startWorld();
    const s = seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    rmSync(join(world.cli.dir, 'state.json'));
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ maxWritesPerPoll: 3 }));
    for (const e of [s.board, s.ann, s.flight]) world.emu.cancelEvent(ALICE, e.id ?? '');
    const first = await world.cli.run(['poll', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const firstReport = JSON.parse(first.stdout) as { writes: number };
    expect(firstReport.writes).toBeLessThanOrEqual(3);
    for (let i = 0; i < 3; i++) expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(0);
    expect(
      world.emu.listEvents(ALICE).filter((e) => ['Ann', 'Flight BA 117'].includes(e.summary ?? '')),
    ).toEqual([]);
  });

  it('with an intact state, cancellations of events calsync chose to make nothing for cost no write', async () => {
    world = await startWorld();
    const skipped = [
      ...[1, 2, 3, 4].map((d) =>
        world?.emu.seedEvent(ALICE, samples.focusTimeEvent({ start: at(d, 8), end: at(d, 9) })),
      ),
      ...[1, 2, 3, 4].map((d) =>
        world?.emu.seedEvent(
          ALICE,
          samples.meeting({
            summary: `Declined ${d}`,
            start: at(d, 11),
            end: at(d, 12),
            organizer: 'bob@corp.test',
            attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'declined' }],
          }),
        ),
      ),
      ...[1, 2, 3, 4].map((d) =>
        world?.emu.seedEvent(
          ALICE,
          samples.meeting({
            summary: `Family ${d}`,
            start: at(d, 16),
            end: at(d, 17),
            organizer: SHARED,
            attendees: [SHARED, { email: ALICE, responseStatus: 'accepted' }],
          }),
        ),
      ),
    ];
    expect((await world.cli.run(['poll'])).code).toBe(0);
    for (const e of skipped) world.emu.cancelEvent(ALICE, e?.id ?? '');
    const writes = world.writes();
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { writes: number; calendars: { changes: number }[] };
    expect(report.calendars[0]?.changes).toBe(12);
    expect(report.writes).toBe(0);
    expect(world.writes() - writes).toBe(0);
  });
});
