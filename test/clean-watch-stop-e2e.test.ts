/**
 * `clean` and `watch` stopped by SIGTERM (systemd's stop): exit 143 through
 * the clean path, with what was done saved and the state lock released (or,
 * for a clean still waiting for it, left to the process that holds it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { BACKSTOP_LINE, until, watchChild } from './helpers/stop.js';
import { at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
/** Well under the 8 s backstop, with room for a loaded machine. */
const STOP_BOUND_MS = 5_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const lockFile = (w: World) => join(w.cli.dir, 'state.lock');
const lockHolder = (w: World): number =>
  (JSON.parse(readFileSync(lockFile(w), 'utf8')) as { pid: number }).pid;

describe('watch stopped by SIGTERM while events.watch hangs', () => {
  it('exits 143 (its --json says so), the channel made before the stop is saved, the lock released; the next watch makes the rest', async () => {
    world = await startWorld({
      sources: [ALICE, BOB],
      // A loopback webhook address nobody answers: the channel is made all the same.
      env: { CALSYNC_WEBHOOK_URL: 'http://127.0.0.1:9/webhook' },
    });
    const watchOf = (calendarId: string) => `/calendar/v3/calendars/${calendarId}/events/watch`;
    world.emu.injectFaults({ method: 'POST', pathIncludes: watchOf(BOB), hang: true });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['watch', '--json']);
    const run = watchChild(child);
    await until("bob's events.watch", () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'POST' && r.path === watchOf(BOB)),
    );
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(143);
    // Its report gives the code the process ends with.
    expect((JSON.parse(exit.stdout) as { exitCode?: unknown }).exitCode).toBe(143);
    expect(exit.stderr).toContain('calsync: watch stopped by SIGTERM');
    expect(exit.stderr).not.toContain(BACKSTOP_LINE);
    expect(existsSync(lockFile(world))).toBe(false);
    const channels = world.state()?.channels ?? {};
    expect(Object.keys(channels)).toEqual([ALICE]);

    world.emu.clearFaults();
    const next = await world.cli.run(['watch']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`${ALICE}: channel kept`);
    expect(next.stdout).toContain(`${BOB}: channel created`);
  });
});

describe('clean stopped by SIGTERM while it waits for the state lock', () => {
  it("exits 143 and leaves the holder's lock alone; the holder, a poll with a hung listing, then stops cleanly too", async () => {
    world = await startWorld({ sources: [ALICE] });
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'm', start: at(2, 9), end: at(2, 10) }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.injectFaults({ method: 'GET', pathIncludes: `/calendars/${ALICE}/events`, hang: true });
    const mark = world.emu.requests.length;
    const poll = world.cli.spawn(['poll']);
    const polling = watchChild(poll);
    await until('the hung listing', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'GET' && r.path.endsWith(`/${ALICE}/events`)),
    );
    const clean = world.cli.spawn(['clean']);
    const cleaning = watchChild(clean);
    await until('clean waiting for the lock', () => cleaning.stderr().includes('holds the state lock'));
    clean.kill('SIGTERM');
    const cleaned = await cleaning.exit(STOP_BOUND_MS);
    expect(cleaned.code, cleaned.stderr).toBe(143);
    expect(cleaned.stderr).toContain('calsync: clean stopped by SIGTERM');
    expect(cleaned.stderr).not.toContain(BACKSTOP_LINE);
    // Not clean's to release: the poll still holds it.
    expect(lockHolder(world)).toBe(poll.pid);

    poll.kill('SIGTERM');
    const polled = await polling.exit(STOP_BOUND_MS);
    expect(polled.code, polled.stderr).toBe(143);
    expect(polled.stderr).not.toContain(BACKSTOP_LINE);
    expect(existsSync(lockFile(world))).toBe(false);
    expect(world.state()?.calendars[ALICE]?.lastError).toMatch(/stopped by SIGTERM/);

    // Unlocked, the next clean runs.
    const again = await world.cli.run(['clean']);
    expect(again.code, again.stderr).toBe(0);
  });
});
