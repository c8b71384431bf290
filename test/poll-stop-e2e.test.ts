/**
 * SIGTERM (systemd's stop) and SIGINT (Ctrl-C) during a long poll: no new
 * request after the signal, the ones in flight finish and are recorded, the
 * state is saved, the lock released, exit 143 or 130; the next poll does not
 * redo a write the stopped one made.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const EVENTS = 40;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Collects the child's stderr from the start; `exit(ms)` fails the test when it is still running after `ms`. */
function watch(child: ChildProcess) {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    stderr: () => stderr,
    async exit(ms: number): Promise<{ code: number | null; stderr: string }> {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`still running ${ms} ms after the signal; stderr: ${stderr}`));
        }, ms);
      });
      try {
        return { code: await Promise.race([closed, late]), stderr };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The paths of the writes the emulator received since `mark`. */
function writesSince(w: World, mark: number): string[] {
  return w.emu.requests
    .slice(mark)
    .filter((r) => r.method !== 'GET' && r.path.startsWith('/calendar/v3/'))
    .map((r) => `${r.method} ${r.path}`);
}

describe.each([
  { signal: 'SIGTERM' as const, code: 143 },
  { signal: 'SIGINT' as const, code: 130 },
])('a poll stopped by $signal', ({ signal, code }) => {
  it(`exits ${code} at once with what it did saved, and the next poll redoes none of it`, async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['config', 'set', 'writeConcurrency', '2'])).code).toBe(0);
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i++)
      ids.push(
        world.emu.seedEvent(
          ALICE,
          samples.meeting({ summary: `Meeting ${i}`, start: at(1 + (i % 20), 9), end: at(1 + (i % 20), 10) }),
        ).id ?? '',
      );
    // Every write answers slowly: the poll is still writing when the signal comes.
    world.emu.injectFaults({ method: 'PUT', latencyMs: 250 });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['poll']);
    const run = watch(child);
    await until('a few writes', () => writesSince(world!, mark).length >= 4);
    child.kill(signal);
    // The bound the issue sets: the stop takes seconds, not the rest of the poll.
    const exit = await run.exit(10_000);
    expect(exit.code, exit.stderr).toBe(code);
    expect(exit.stderr).toContain(`${signal}: stopping poll: no new request`);
    expect(exit.stderr).toContain(`calsync: poll stopped by ${signal}`);
    // The lock is gone, the state saved with what was done.
    expect(existsSync(join(world.cli.dir, 'state.lock'))).toBe(false);
    const first = writesSince(world, mark);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(EVENTS);
    const cal = world.state()?.calendars[ALICE];
    expect(cal?.lastError).toMatch(new RegExp(`stopped by ${signal}`));
    expect(cal?.lastSuccessAt).toBeUndefined();

    world.emu.clearFaults();
    const mark2 = world.emu.requests.length;
    const second = await world.cli.run(['poll']);
    expect(second.code, second.stderr).toBe(0);
    const again = writesSince(world, mark2);
    // No write of the stopped poll is made again: every event is written exactly once in all.
    expect(again.filter((w) => first.includes(w))).toEqual([]);
    expect(first.length + again.length).toBe(EVENTS);
    for (const id of ids) expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);
    expect(world.state()?.calendars[ALICE]?.lastError).toBeUndefined();
  });
});

describe('a second signal', () => {
  it('exits at once, and the next poll still finishes the job', async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['config', 'set', 'writeConcurrency', '2'])).code).toBe(0);
    for (let i = 0; i < 10; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({ summary: `M${i}`, start: at(1, 9 + i), end: at(1, 10 + i) }),
      );
    // Slow enough that the drain after the first signal is still waiting when the second comes.
    world.emu.injectFaults({ method: 'PUT', latencyMs: 3_000 });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['poll']);
    const run = watch(child);
    await until('a write in flight', () => world!.emu.requests.slice(mark).some((r) => r.method === 'PUT'));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    const exit = await run.exit(10_000);
    expect(exit.code).toBe(143);
    expect(exit.stderr).toContain('SIGTERM again: stopped at once');
    // The lock went with the process (its exit handler).
    expect(existsSync(join(world.cli.dir, 'state.lock'))).toBe(false);
    world.emu.clearFaults();
    expect((await world.cli.run(['poll'])).code).toBe(0);
  });
});

describe('purge stopped by SIGTERM', () => {
  it('exits 143 with what it removed saved, keeps the state (no --forget), and a second purge finishes', async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['config', 'set', 'writeConcurrency', '2'])).code).toBe(0);
    for (let i = 0; i < 20; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({ summary: `P${i}`, start: at(1 + i, 9), end: at(1 + i, 10) }),
      );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.injectFaults({ method: 'PUT', latencyMs: 250 });
    const mark = world.emu.requests.length;
    const child = world.cli.spawn(['purge', '--forget']);
    const run = watch(child);
    await until('a few removals', () => writesSince(world!, mark).length >= 3);
    child.kill('SIGTERM');
    const exit = await run.exit(10_000);
    expect(exit.code, exit.stderr).toBe(143);
    expect(exit.stderr).toContain('calsync: purge stopped by SIGTERM');
    expect(existsSync(join(world.cli.dir, 'state.json'))).toBe(true);
    expect(existsSync(join(world.cli.dir, 'state.lock'))).toBe(false);
    world.emu.clearFaults();
    const again = await world.cli.run(['purge']);
    expect(again.code, again.stderr).toBe(0);
    for (const e of world.emu.listEvents(ALICE)) expect(attendeeCount(e, SHARED)).toBe(0);
  });
});
