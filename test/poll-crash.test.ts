import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

describe('crash safety of calsync poll', () => {
  it('kill -9 at random moments of a 300-event poll, then a clean poll, leaves no duplicate and nothing missed', async () => {
    world = await startWorld();
    writeFileSync(
      join(world.cli.dir, 'config.json'),
      JSON.stringify({ maxWritesPerPoll: 1000, requestsPerSecond: 200, writeConcurrency: 8 }),
    );
    const own: string[] = [];
    for (let i = 0; i < 150; i++)
      world.emu.seedEvent(
        ALICE,
        samples.gmailEvent({ summary: `Trip ${i}`, start: at(2 + (i % 9), 8), end: at(2 + (i % 9), 9) }),
      );
    for (let i = 0; i < 100; i++)
      own.push(
        world.emu.seedEvent(
          ALICE,
          samples.meeting({ summary: `Own ${i}`, start: at(1 + (i % 7), 10), end: at(1 + (i % 7), 11) }),
        ).id ?? '',
      );
    for (let i = 0; i < 50; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({
          summary: `Other ${i}`,
          start: at(3, 12),
          end: at(3, 13),
          organizer: 'bob@corp.test',
          attendees: ['bob@corp.test', ALICE],
        }),
      );

    const kills: number[] = [];
    for (let round = 0; round < 4; round++) {
      const before = world.writes();
      const child = world.cli.spawn(['poll']);
      // Wait until this run has written something, then kill it at a random moment.
      const deadline = Date.now() + 20_000;
      while (world.writes() === before && child.exitCode === null && Date.now() < deadline) await sleep(10);
      const delay = Math.floor(Math.random() * 400);
      kills.push(delay);
      await sleep(delay);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
    }
    const clean = await world.cli.run(['poll']);
    expect(clean.code, `kills after ${kills.join(',')} ms; ${clean.stderr}`).toBe(0);
    const final = await world.cli.run(['poll', '--json']);
    expect(final.code).toBe(0);
    expect((JSON.parse(final.stdout) as { writes: number }).writes).toBe(0);

    for (let i = 0; i < 150; i++) expect(countBySummary(world.emu, ALICE, `Trip ${i}`), `Trip ${i}`).toBe(2);
    for (const id of own) expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);
    for (let i = 0; i < 50; i++)
      expect(countBySummary(world.emu, SHARED, `Other ${i}`), `Other ${i}`).toBe(1);
  }, 120_000);

  it.each([
    {
      kind: 'mirror',
      seed: (w: World) =>
        w.emu.seedEvent(
          ALICE,
          samples.meeting({
            summary: 'Doomed',
            start: at(2, 9),
            end: at(2, 10),
            organizer: 'bob@corp.test',
            attendees: ['bob@corp.test', ALICE],
          }),
        ),
      copiesOn: SHARED,
    },
    {
      kind: 'Gmail copy',
      seed: (w: World) =>
        w.emu.seedEvent(ALICE, samples.gmailEvent({ summary: 'Doomed', start: at(2, 9), end: at(2, 10) })),
      copiesOn: ALICE,
    },
  ])(
    'a poll killed after Google made a $kind but before its outcome was saved, then the source cancelled: the next poll deletes the $kind',
    async ({ seed, copiesOn }) => {
      world = await startWorld();
      const source = seed(world);
      const copies = () =>
        world?.emu.listEvents(copiesOn).filter((e) => e.summary === 'Doomed' && e.id !== source.id).length ??
        0;
      // The copy is made at once; its answer is held until long after the kill.
      world.emu.injectFaults({
        method: 'POST',
        pathIncludes: `/calendars/${copiesOn}/events`,
        answerAfterMs: 60_000,
      });
      const child = world.cli.spawn(['poll']);
      while (copies() === 0 && child.exitCode === null) await sleep(10);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      expect(copies()).toBe(1);

      world.emu.clearFaults();
      world.emu.cancelEvent(ALICE, source.id ?? '');
      const next = await world.cli.run(['poll']);
      expect(next.code, next.stderr).toBe(0);
      expect(copies()).toBe(0);
      expect(world.state()?.events[ALICE]?.get(source.id ?? '')?.copyUnconfirmed).toBeUndefined();
    },
  );

  it("with gmailOriginal delete, a poll killed after the original was deleted keeps the copy (a vanished original was calsync's doing)", async () => {
    world = await startWorld();
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ gmailOriginal: 'delete' }));
    const source = world.emu.seedEvent(
      ALICE,
      samples.gmailEvent({ summary: 'Trip', start: at(2, 9), end: at(2, 10) }),
    );
    const trips = () => world?.emu.listEvents(ALICE).filter((e) => e.summary === 'Trip') ?? [];
    // The original is deleted at once; the answer is held until long after the kill.
    world.emu.injectFaults({
      method: 'DELETE',
      pathIncludes: `/events/${source.id ?? ''}`,
      answerAfterMs: 60_000,
    });
    const child = world.cli.spawn(['poll']);
    while (trips().some((e) => e.id === source.id) && child.exitCode === null) await sleep(10);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(trips().map((e) => e.id === source.id)).toEqual([false]);

    world.emu.clearFaults();
    const next = await world.cli.run(['poll']);
    expect(next.code, next.stderr).toBe(0);
    expect(trips()).toHaveLength(1);
    expect(trips()[0]?.id).not.toBe(source.id);
  });

  it('a poll killed after Google made a mirror leaves it confirmed, not duplicated, by the next poll', async () => {
    world = await startWorld();
    world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Kept',
        start: at(2, 9),
        end: at(2, 10),
        organizer: 'bob@corp.test',
        attendees: ['bob@corp.test', ALICE],
      }),
    );
    world.emu.injectFaults({
      method: 'POST',
      pathIncludes: `/calendars/${SHARED}/events`,
      answerAfterMs: 60_000,
    });
    const child = world.cli.spawn(['poll']);
    while (countBySummary(world.emu, SHARED, 'Kept') === 0 && child.exitCode === null) await sleep(10);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    world.emu.clearFaults();
    const next = await world.cli.run(['poll', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Kept')).toBe(1);
    const again = await world.cli.run(['poll', '--json']);
    expect((JSON.parse(again.stdout) as { writes: number }).writes).toBe(0);
  });
});
