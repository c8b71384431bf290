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
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ maxWritesPerPoll: 1000, requestsPerSecond: 200, writeConcurrency: 8 }));
    const own: string[] = [];
    for (let i = 0; i < 150; i++) world.emu.seedEvent(ALICE, samples.gmailEvent({ summary: `Trip ${i}`, start: at(2 + (i % 9), 8), end: at(2 + (i % 9), 9) }));
    for (let i = 0; i < 100; i++) own.push(world.emu.seedEvent(ALICE, samples.meeting({ summary: `Own ${i}`, start: at(1 + (i % 7), 10), end: at(1 + (i % 7), 11) })).id ?? '');
    for (let i = 0; i < 50; i++) world.emu.seedEvent(ALICE, samples.meeting({ summary: `Other ${i}`, start: at(3, 12), end: at(3, 13), organizer: 'bob@corp.test', attendees: ['bob@corp.test', ALICE] }));

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
    for (let i = 0; i < 50; i++) expect(countBySummary(world.emu, SHARED, `Other ${i}`), `Other ${i}`).toBe(1);
  }, 120_000);
});
