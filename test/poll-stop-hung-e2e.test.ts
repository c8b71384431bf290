/**
 * A stop (SIGTERM) while a request to Google hangs (the host accepts it and
 * never answers): the stop ends the request, and the poll stops the clean
 * way (state saved, lock released, exit 143), well before the 8 s backstop
 * it used to end on. What the hung request was about is not done: the
 * calendar's sync token stays, and a write whose answer never came is not
 * made twice by the next poll.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import type { FaultRule } from '../src/emulator/types.js';
import { BACKSTOP_LINE, until, watchChild } from './helpers/stop.js';
import { SHARED, at, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
/** The old stop took the 8 s backstop; the clean path takes well under a second or two, even on a loaded machine. */
const STOP_BOUND_MS = 5_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const eventsOf = (calendarId: string) => `/calendar/v3/calendars/${calendarId}/events`;

describe('a poll stopped by SIGTERM while a listing hangs', () => {
  it('exits 143 at once through the clean path: the calendar that finished is saved, the hung one keeps its sync token', async () => {
    world = await startWorld({ sources: [ALICE, BOB] });
    for (const s of [ALICE, BOB])
      world.emu.seedEvent(s, samples.meeting({ summary: `m ${s}`, start: at(2, 9), end: at(2, 10) }));
    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    const bobToken = world.state()?.calendars[BOB]?.syncToken;
    expect(bobToken).toEqual(expect.any(String));

    world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'new for alice', start: at(3, 9), end: at(3, 10) }),
    );
    world.emu.injectFaults({ method: 'GET', pathIncludes: eventsOf(BOB), hang: true });
    const started = Date.parse(new Date().toISOString());
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['poll']);
    const run = watchChild(child);
    const since = () => world!.emu.requests.slice(mark);
    // Alice's poll is done (its invite written), Bob's listing hangs.
    await until(
      'alice done and bob listing',
      () =>
        since().some((r) => r.method === 'GET' && r.path === eventsOf(BOB)) &&
        since().some(
          (r) => r.method === 'PUT' && r.path.startsWith(`${eventsOf(ALICE)}/`) && r.status === 200,
        ),
    );
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stderr).toContain('calsync: poll stopped by SIGTERM');
    expect(exit.stderr).not.toContain(BACKSTOP_LINE);
    expect(existsSync(join(world.cli.dir, 'state.lock'))).toBe(false);

    const state = world.state();
    // The save of the clean path: Alice's poll is recorded as a success, with its new sync token...
    expect(Date.parse(state?.calendars[ALICE]?.lastSuccessAt ?? '')).toBeGreaterThanOrEqual(started);
    expect(state?.calendars[ALICE]?.syncToken).toEqual(expect.any(String));
    // ...and Bob's as stopped, its sync token where it was.
    expect(state?.calendars[BOB]?.lastError).toMatch(/stopped by SIGTERM/);
    expect(state?.calendars[BOB]?.syncToken).toBe(bobToken);

    world.emu.clearFaults();
    const next = await world.cli.run(['poll']);
    expect(next.code, next.stderr).toBe(0);
    expect(world.state()?.calendars[BOB]?.lastError).toBeUndefined();
  });
});

describe.each<{ name: string; fault: FaultRule; made: number }>([
  { name: 'made at Google, its answer never sent', fault: { answerAfterMs: 600_000 }, made: 1 },
  { name: 'never answered nor made', fault: { hang: true }, made: 0 },
])('a poll stopped by SIGTERM while a write hangs ($name)', ({ fault, made }) => {
  it('exits 143 through the clean path within the write grace, and the next poll makes the mirror once', async () => {
    world = await startWorld({ sources: [ALICE] });
    const source = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Hung mirror',
        start: at(2, 9),
        end: at(2, 10),
        organizer: 'bob@corp.test',
        attendees: ['bob@corp.test', ALICE],
      }),
    );
    const insert = { method: 'POST', pathIncludes: eventsOf(SHARED) };
    world.emu.injectFaults({ ...insert, ...fault });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['poll']);
    const run = watchChild(child);
    await until('the mirror insert', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'POST' && r.path === eventsOf(SHARED)),
    );
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stderr).toContain('calsync: poll stopped by SIGTERM');
    expect(exit.stderr).not.toContain(BACKSTOP_LINE);
    expect(existsSync(join(world.cli.dir, 'state.lock'))).toBe(false);
    expect(countBySummary(world.emu, SHARED, 'Hung mirror')).toBe(made);
    // Saved as not done: the calendar's poll did not finish, and the event waits for the next one.
    const state = world.state();
    expect(state?.calendars[ALICE]?.lastError).toMatch(/stopped by SIGTERM/);
    expect(state?.calendars[ALICE]?.lastSuccessAt).toBeUndefined();
    expect(state?.events[ALICE]?.pendingIds()).toContain(source.id);

    world.emu.clearFaults();
    const next = await world.cli.run(['poll']);
    expect(next.code, next.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Hung mirror')).toBe(1);
    expect(world.state()?.events[ALICE]?.get(source.id ?? '')?.copyUnconfirmed).toBeUndefined();
    const again = await world.cli.run(['poll', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { writes: number }).writes).toBe(0);
  });
});
