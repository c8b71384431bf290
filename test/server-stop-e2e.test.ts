/**
 * `serve-webhook` stopped by SIGTERM (systemd's or the container's stop)
 * while a poll it runs hangs on a request Google never answers: the poll
 * takes the server's stop as the CLI commands take theirs
 * (cli/stop-signals.ts, google/request-signals.ts). Its requests end (reads
 * at once, writes after the 2 s grace), the calendar records a stop, not an
 * outage, the state is saved, the lock released, and the server exits 0 in
 * seconds, not after two request time-outs. A second signal exits at once,
 * and the lock file goes with the process.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { BACKSTOP_LINE, until, watchChild } from './helpers/stop.js';
import { SHARED, at, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
/**
 * Well above the clean path's second or two on a loaded machine, well below
 * the two 20 s request time-outs the stop used to wait for.
 */
const STOP_BOUND_MS = 10_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const eventsOf = (calendarId: string) => `/calendar/v3/calendars/${calendarId}/events`;
const lockFile = (w: World) => join(w.cli.dir, 'state.lock');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A world whose Alice was polled once (a sync token to keep), and a new event of hers for the next poll. */
async function polledWorld(env: Record<string, string> = {}): Promise<World> {
  const w = await startWorld({ env });
  w.emu.seedEvent(ALICE, samples.meeting({ summary: 'standup', start: at(1, 9), end: at(1, 10) }));
  const first = await w.cli.run(['poll']);
  expect(first.code, first.stderr).toBe(0);
  return w;
}

/** The stop recorded, not an outage; the sync token where it was; the next poll shares the event. */
async function expectStoppedAndResumable(w: World, syncToken: string | undefined, summary: string) {
  const alice = w.state()?.calendars[ALICE];
  expect(alice?.lastError).toMatch(/stopped by SIGTERM/);
  expect(alice?.lastError).not.toMatch(/unreachable/);
  expect(alice?.syncToken).toBe(syncToken);
  w.emu.clearFaults();
  const next = await w.cli.run(['poll']);
  expect(next.code, next.stderr).toBe(0);
  const event = w.emu.listEvents(ALICE).find((e) => e.summary === summary);
  expect((event?.attendees ?? []).map((a) => a.email)).toContain(SHARED);
}

/** An invitation of Alice's that the poll mirrors onto the shared calendar (an insert there). */
const hungMirror = () =>
  samples.meeting({
    summary: 'Hung mirror',
    start: at(2, 9),
    end: at(2, 10),
    organizer: 'bob@corp.test',
    attendees: ['bob@corp.test', ALICE],
  });

describe('serve-webhook stopped by SIGTERM while a poll of its own schedule hangs', () => {
  it('on a listing: the poll stops and is saved as stopped, the lock released, the server exits 0 in seconds', async () => {
    world = await polledWorld();
    const token = world.state()?.calendars[ALICE]?.syncToken;
    expect(token).toEqual(expect.any(String));
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(2, 9), end: at(2, 10) }));
    world.emu.injectFaults({ method: 'GET', pathIncludes: eventsOf(ALICE), hang: true });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['serve-webhook', '--port', '0', '--poll-interval', '5']);
    const run = watchChild(child);
    await until('the hung listing', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'GET' && r.path === eventsOf(ALICE)),
    );
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stderr).not.toContain(BACKSTOP_LINE);
    expect(exit.stderr).not.toContain('Google unreachable');
    expect(exit.stderr).toMatch(/calendar alice@example\.test: .*stopped by SIGTERM/);
    expect(exit.stderr).toContain('stopped');
    expect(existsSync(lockFile(world))).toBe(false);
    await expectStoppedAndResumable(world, token, 'Dentist');
  });

  it('while it waits for the state lock a poll holds: the server exits 0, and says no run failed', async () => {
    world = await polledWorld();
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(2, 9), end: at(2, 10) }));
    world.emu.injectFaults({ method: 'GET', pathIncludes: eventsOf(ALICE), hang: true });
    const mark = world.emu.requests.length;
    // A timer's poll takes the lock and hangs on its listing.
    const poll = world.cli.spawn(['poll']);
    const polling = watchChild(poll);
    await until('the hung listing', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'GET' && r.path === eventsOf(ALICE)),
    );
    const child = world.cli.spawn(['serve-webhook', '--port', '0', '--poll-interval', '5', '-v']);
    const run = watchChild(child);
    await until('the server waiting for the lock', () => /holds the state lock/.test(run.stderr()));
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stderr).toContain('scheduled poll stopped');
    expect(exit.stderr).not.toContain('scheduled run failed');
    expect(exit.stderr).not.toMatch(/calsync error/);
    // The poll that held the lock is its own: it stops cleanly too, and releases it.
    poll.kill('SIGTERM');
    expect((await polling.exit(STOP_BOUND_MS)).code).toBe(143);
    expect(existsSync(lockFile(world))).toBe(false);
  });

  it('on a write: the write is cut after its grace, saved as not done, and the next poll makes the mirror once', async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, hungMirror());
    world.emu.injectFaults({ method: 'POST', pathIncludes: eventsOf(SHARED), hang: true });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['serve-webhook', '--port', '0', '--poll-interval', '5']);
    const run = watchChild(child);
    await until('the hung insert', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'POST' && r.path === eventsOf(SHARED)),
    );
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stderr).not.toContain(BACKSTOP_LINE);
    expect(existsSync(lockFile(world))).toBe(false);
    expect(world.state()?.calendars[ALICE]?.lastError).toMatch(/stopped by SIGTERM/);
    world.emu.clearFaults();
    const next = await world.cli.run(['poll']);
    expect(next.code, next.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Hung mirror')).toBe(1);
  });

  it('on a write, and a second SIGTERM comes within its grace: the server exits at once (143), removing the lock', async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, hungMirror());
    world.emu.injectFaults({ method: 'POST', pathIncludes: eventsOf(SHARED), hang: true });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['serve-webhook', '--port', '0', '--poll-interval', '5']);
    const run = watchChild(child);
    await until('the hung insert', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'POST' && r.path === eventsOf(SHARED)),
    );
    expect(existsSync(lockFile(world))).toBe(true);
    child.kill('SIGTERM');
    await until('the stop taken', () => run.stderr().includes('SIGTERM: stopping'));
    child.kill('SIGTERM');
    // Before the write's 2 s grace would have ended it.
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stderr).toContain('SIGTERM again: stopped at once');
    expect(existsSync(lockFile(world))).toBe(false);
  });
});

describe('serve-webhook stopped by SIGTERM while a poll a notification started hangs on a listing', () => {
  it('the poll stops and is saved as stopped, the lock released, the server exits 0 in seconds', async () => {
    const port = await freePort();
    world = await polledWorld({ CALSYNC_WEBHOOK_URL: `http://127.0.0.1:${port}` });
    const token = world.state()?.calendars[ALICE]?.syncToken;
    const watched = await world.cli.run(['watch']);
    expect(watched.code, watched.stderr).toBe(0);
    const child = world.cli.spawn(['serve-webhook', '--port', String(port)]);
    const run = watchChild(child);
    await until('listening', () => run.stderr().includes('listening on'));
    world.emu.injectFaults({ method: 'GET', pathIncludes: eventsOf(ALICE), hang: true });
    const mark = world.emu.requests.length;
    // Google's notification of the change starts the server's poll of Alice's calendar.
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Notified', start: at(2, 9), end: at(2, 10) }));
    await until('the hung listing', () =>
      world!.emu.requests.slice(mark).some((r) => r.method === 'GET' && r.path === eventsOf(ALICE)),
    );
    child.kill('SIGTERM');
    const exit = await run.exit(STOP_BOUND_MS);
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stderr).not.toContain(BACKSTOP_LINE);
    expect(exit.stderr).not.toContain('Google unreachable');
    expect(existsSync(lockFile(world))).toBe(false);
    await expectStoppedAndResumable(world, token, 'Notified');
  });
});
