/**
 * `calsync poll` at a terminal (a pseudo-terminal from `script`): the
 * spinner shows, and Ctrl-C stops the poll cleanly (exit 130).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { onTerminal } from './helpers/terminal.js';
import { at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('poll on a terminal', () => {
  it('Ctrl-C while the spinner shows stops the poll: exit 130, what was done saved', async () => {
    world = await startWorld({ sources: [ALICE] });
    for (let i = 0; i < 30; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({ summary: `T${i}`, start: at(1 + i, 9), end: at(1 + i, 10) }),
      );
    world.emu.injectFaults({ method: 'PUT', latencyMs: 300 });
    const mark = world.emu.requests.length;
    const term = onTerminal(['poll'], world.cli.env);
    await until(
      'the spinner and a write',
      () =>
        /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/.test(term.screen()) &&
        world!.emu.requests.slice(mark).some((r) => r.method === 'PUT'),
    );
    term.type('\x03');
    expect(await term.exit(10_000)).toBe(130);
    expect(term.screen()).toContain('poll stopped by SIGINT');
    const writes = world.emu.requests.slice(mark).filter((r) => r.method === 'PUT').length;
    expect(writes).toBeLessThan(30);
    expect(world.state()?.calendars[ALICE]?.lastError).toMatch(/stopped by SIGINT/);
  });
});

describe('progress of a long poll', () => {
  it('on a terminal: written of planned as it goes, then what is left and when it continues; in a log only the end', async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['config', 'set', 'maxWritesPerPoll', '12'])).code).toBe(0);
    for (let i = 0; i < 30; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({ summary: `L${i}`, start: at(1 + i, 9), end: at(1 + i, 10) }),
      );
    world.emu.injectFaults({ method: 'PUT', latencyMs: 100 });
    const term = onTerminal(['poll'], world.cli.env);
    expect(await term.exit(60_000)).toBe(0);
    const screen = term.screen();
    expect(screen).toMatch(
      new RegExp(`${ALICE}: \\d+ of 30 written, about \\d+ s left, 18 for the next poll`),
    );
    expect(screen).not.toContain('MaxListenersExceededWarning');
    expect(screen).toContain('18 left: the next poll, in about 5 min, continues');

    // The same poll in a log (no terminal): no progress lines, the end says what is left.
    const log = await world.cli.run(['poll']);
    expect(log.code).toBe(0);
    expect(log.stderr + log.stdout).not.toMatch(/of \d+ written/);
    expect(log.stdout).toContain('6 left: the next poll, in about 5 min, continues');
  });

  it("the table says why events were skipped: a poll after the first sees calsync's own copies", async () => {
    world = await startWorld({ sources: [ALICE] });
    world.emu.seedEvent(ALICE, samples.birthdayEvent({ summary: 'Ann', date: at(3, 0).slice(0, 10) }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const second = await world.cli.run(['poll']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`${ALICE}: 1 skipped: 1 calsync's own copies`));
  });
});
