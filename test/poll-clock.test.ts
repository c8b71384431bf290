/**
 * Issue 16, clocks, through the built binary: a local clock far off never
 * places a listing window in the future, never stamps a success, and never
 * makes `clean` drop the entries of events that have not ended.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { copyEventId } from '../src/sync/ids.js';
import { DAY_MS, shiftedClock } from './helpers/clock.js';
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

interface Report {
  calendars: { error?: string; fullSync: boolean }[];
}

describe('a local clock far ahead of Google', () => {
  it("lists a first poll from Google's time, warns, records no success; the next right poll finds everything", async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, meeting('Board meeting', 2));
    const res = await world.cli.run(['poll', '--json'], shiftedClock(365 * DAY_MS));
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/local clock is 365 d ahead of Google's/);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.calendars[0]?.error).toMatch(/local clock is 365 d ahead/);
    // The window started from Google's time: the meeting was listed and mirrored.
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(1);
    const cal = world.state()?.calendars[ALICE];
    expect(cal?.lastSuccessAt).toBeUndefined();
    expect(cal?.lastError).toMatch(/clock/);
    // The token it saved is Google's, so the next poll with the clock right is incremental and sees new events.
    world.emu.seedEvent(ALICE, meeting('Later meeting', 3));
    const next = await world.cli.run(['poll', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect((JSON.parse(next.stdout) as Report).calendars[0]?.fullSync).toBe(false);
    expect(countBySummary(world.emu, SHARED, 'Later meeting')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(1);
  });

  it("is the same when Google's clock is the one seen off (emulator skew)", async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, meeting('Board meeting', 2));
    world.emu.setClockSkew(-30 * DAY_MS);
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/local clock is 30 d ahead of Google's/);
    expect(world.state()?.calendars[ALICE]?.lastSuccessAt).toBeUndefined();
  });
});

describe('health-check and a success stamped in the future', () => {
  it('is CRITICAL, not "0s ago", when the last success is later than its clock', async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, meeting('Board meeting', 2));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const res = await world.cli.run(['health-check', '--offline', '--no-alert'], shiftedClock(-DAY_MS));
    expect(res.code, res.stdout).toBe(2);
    expect(res.stdout).toMatch(/CALSYNC CRITICAL/);
    expect(res.stdout).toMatch(/stamped \d+s in the future/);
  });
});

describe('clean under a clock a year ahead', () => {
  it("keeps the entries of events that have not ended by Google's time, so their cancellation still removes the copy", async () => {
    world = await startWorld();
    const board = world.emu.seedEvent(ALICE, meeting('Board meeting', 2));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const clean = await world.cli.run(['clean', '--older-than', '30d', '--json'], shiftedClock(365 * DAY_MS));
    expect(clean.code, clean.stderr).toBe(0);
    expect((JSON.parse(clean.stdout) as { removed: number }).removed).toBe(0);
    expect(world.state()?.events[ALICE]?.get(board.id ?? '')?.copyId).toBe(
      copyEventId(SHARED, ALICE, board.id ?? '', 'mirror'),
    );
    world.emu.cancelEvent(ALICE, board.id ?? '');
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(0);
  });
});
