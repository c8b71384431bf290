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
