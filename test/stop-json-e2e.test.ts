/**
 * `poll --json` and `purge --json` stopped by a signal: the one JSON document
 * they print gives the code the process exits with (143 for SIGTERM, 130 for
 * SIGINT), not the 1 of a run that failed on its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { BACKSTOP_LINE, until, watchChild } from './helpers/stop.js';
import { SHARED, at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
/** Within the 2 s write grace and well under the 8 s backstop, with room for a loaded machine. */
const STOP_BOUND_MS = 6_000;

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const eventsOf = (calendarId: string) => `/calendar/v3/calendars/${calendarId}/events`;

/** Runs `args`, sends `signal` once a request `method` to a path starting with `path` hangs, and returns its exit. */
async function stopWhileHung(
  w: World,
  args: string[],
  method: string,
  path: string,
  signal: 'SIGTERM' | 'SIGINT',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  w.emu.injectFaults({ method, pathIncludes: path, hang: true, times: 1 });
  const mark = w.emu.requests.length;
  const child = w.cli.spawn(args);
  const run = watchChild(child);
  await until(`${method} ${path}`, () =>
    w.emu.requests.slice(mark).some((r) => r.method === method && r.path.startsWith(path)),
  );
  child.kill(signal);
  const exit = await run.exit(STOP_BOUND_MS);
  w.emu.clearFaults();
  return exit;
}

const exitCodeOf = (stdout: string): unknown => (JSON.parse(stdout) as { exitCode?: unknown }).exitCode;

describe('--json of a command stopped by a signal (built binary)', () => {
  it('poll --json (SIGTERM) and purge --json (SIGINT) print the exit code the process ends with', async () => {
    world = await startWorld();
    const invite = { organizer: 'bob@corp.test', attendees: ['bob@corp.test', ALICE] };
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'M', start: at(1, 9), end: at(1, 10), ...invite }));
    world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'N', start: at(1, 11), end: at(1, 12), ...invite }),
    );

    // A mirror's insert hangs.
    const poll = await stopWhileHung(world, ['poll', '--json'], 'POST', eventsOf(SHARED), 'SIGTERM');
    expect(poll.code, poll.stderr).toBe(143);
    expect(poll.stderr).not.toContain(BACKSTOP_LINE);
    expect(exitCodeOf(poll.stdout)).toBe(143);

    const next = await world.cli.run(['poll']);
    expect(next.code, next.stderr).toBe(0);
    const mirror = world.emu.listEvents(SHARED)[0];
    expect(mirror?.id).toEqual(expect.any(String));

    // A mirror's delete hangs.
    const purge = await stopWhileHung(
      world,
      ['purge', '--json'],
      'DELETE',
      `${eventsOf(SHARED)}/${mirror?.id ?? ''}`,
      'SIGINT',
    );
    expect(purge.code, purge.stderr).toBe(130);
    expect(purge.stderr).not.toContain(BACKSTOP_LINE);
    expect(exitCodeOf(purge.stdout)).toBe(130);
  }, 60_000);
});
