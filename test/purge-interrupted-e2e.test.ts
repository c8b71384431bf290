/**
 * `purge` without --forget, stopped or killed halfway, or over a person's own
 * removal: the state it leaves makes the next poll share everything again,
 * exactly once, and what a person did stays respected (purge/forget-shares.ts:
 * what is about to go is held in doubt, and saved, before anything goes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { until, watchChild } from './helpers/stop.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@corp.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function meeting(w: World, summary: string, hour: number): void {
  w.emu.seedEvent(
    ALICE,
    samples.meeting({
      summary,
      start: at(2, hour),
      end: at(2, hour + 1),
      organizer: BOB,
      attendees: [BOB, { email: ALICE, responseStatus: 'accepted' }],
    }),
  );
}

describe.each([
  // The delete of B is carried out at Google; its answer never comes, and the stop cuts it.
  {
    name: 'SIGTERM after a delete Google made',
    signal: 'SIGTERM' as const,
    fault: { answerAfterMs: 600_000 },
  },
  // The delete of B never answers, and the process is killed.
  { name: 'kill -9 while a delete hangs', signal: 'SIGKILL' as const, fault: { hang: true } },
])('purge stopped halfway ($name)', ({ signal, fault }) => {
  it('the next poll shares every meeting again, exactly once', async () => {
    world = await startWorld();
    const w = world;
    meeting(w, 'A meeting', 9);
    meeting(w, 'B meeting', 11);
    expect((await w.cli.run(['poll'])).code).toBe(0);
    const b = w.emu.listEvents(SHARED).find((e) => e.summary === 'B meeting');
    w.emu.injectFaults({
      method: 'DELETE',
      pathIncludes: `/calendar/v3/calendars/${SHARED}/events/${b?.id ?? ''}`,
      times: 1,
      ...fault,
    });
    const mark = w.emu.requests.length;
    const child = w.cli.spawn(['purge']);
    const run = watchChild(child);
    await until(
      'both deletes sent, A gone',
      () =>
        w.emu.requests.slice(mark).filter((r) => r.method === 'DELETE').length >= 2 &&
        countBySummary(w.emu, SHARED, 'A meeting') === 0,
    );
    child.kill(signal);
    const exit = await run.exit(10_000);
    // SIGTERM: the clean stop (143); kill -9: no exit code at all.
    expect(exit.code, exit.stderr).toBe(signal === 'SIGTERM' ? 143 : null);
    w.emu.clearFaults();
    const poll = await w.cli.run(['poll']);
    expect(poll.code, poll.stderr).toBe(0);
    expect(countBySummary(w.emu, SHARED, 'A meeting')).toBe(1);
    expect(countBySummary(w.emu, SHARED, 'B meeting')).toBe(1);
    // Settled: the poll after writes nothing.
    w.emu.clearRequestLog();
    expect((await w.cli.run(['poll'])).code).toBe(0);
    expect(w.writes()).toBe(0);
  });
});

describe("purge keeps a person's removal", () => {
  it('the shared calendar a person took off an own meeting is not invited again by the poll after a purge', async () => {
    world = await startWorld();
    const w = world;
    const own = w.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Dentist',
        start: at(1, 9),
        end: at(1, 10),
        attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
      }),
    );
    expect((await w.cli.run(['poll'])).code).toBe(0);
    const current = w.emu.getEvent(ALICE, own.id ?? '');
    w.emu.updateEvent(ALICE, own.id ?? '', {
      attendees: (current?.attendees ?? []).filter((a) => a.email !== SHARED),
    });
    expect((await w.cli.run(['poll'])).code).toBe(0);
    const purge = await w.cli.run(['purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect((await w.cli.run(['poll'])).code).toBe(0);
    expect(attendeeCount(w.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(0);
  });
});
