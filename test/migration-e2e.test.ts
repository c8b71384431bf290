/**
 * The previous release's state and copies (no `calsyncTarget`, `cs` ids,
 * `calsyncInvited=1`) are taken over by this release with no duplicate and no
 * delete (issue 22). The fixture was recorded by running the previous
 * release's binary against the emulator (test/tools/record-previous-release.mjs).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GoogleEvent } from '../src/emulator/index.js';
import { MARKER } from '../src/sync/types.js';
import { cliEnv } from './helpers/cli.js';
import { SHARED, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const DAD = 'family-dad@group.calendar.test';

interface Fixture {
  recordedWith: string;
  state: unknown;
  events: Record<string, GoogleEvent[]>;
}
const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, 'fixtures/previous-release.json'), 'utf8'),
) as Fixture;

let world: World | undefined;
let cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups) c();
  cleanups = [];
  await world?.close();
  world = undefined;
});

/** The event as a client would have written it: what the server sets is set again by the emulator. */
function asWritten(e: GoogleEvent): GoogleEvent {
  const { kind: _k, etag: _e, created: _c, updated: _u, htmlLink: _h, creator: _cr, ...rest } = e;
  return rest;
}

/** The previous release's world: its events on Google, its state file in the config dir. */
async function previousRelease(): Promise<World> {
  const w = await startWorld();
  for (const e of fixture.events[ALICE] ?? []) w.emu.seedEvent(ALICE, asWritten(e));
  // On the shared calendar: the mirror; the invitations arrive from Alice's events as they are seeded.
  for (const e of fixture.events[SHARED] ?? [])
    if (e.extendedProperties?.private?.[MARKER.source]) w.emu.seedEvent(SHARED, asWritten(e));
  writeFileSync(join(w.cli.dir, 'state.json'), JSON.stringify(fixture.state));
  return w;
}

const titles = (w: World, calendarId: string) =>
  w.emu
    .listEvents(calendarId)
    .map((e) => e.summary ?? '')
    .sort();
const EVERYTHING = ['Board meeting', 'Dentist', 'Flight BA 117', 'Tom'];

describe("the previous release's format", () => {
  it('is adopted: no duplicate, no delete, said once; later changes follow the same copies', async () => {
    world = await previousRelease();
    expect(titles(world, SHARED)).toEqual(EVERYTHING);
    const copiesBefore = world.emu
      .listEvents(ALICE)
      .filter((e) => e.extendedProperties?.private?.[MARKER.source])
      .map((e) => e.id)
      .sort();
    expect(copiesBefore.every((id) => id?.startsWith('cs'))).toBe(true);

    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(
      'adopted 4 copies, mirrors and invitations of the previous calsync release',
    );
    const second = await world.cli.run(['poll']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('adopted');

    expect(titles(world, SHARED)).toEqual(EVERYTHING);
    expect(
      world.emu
        .listEvents(ALICE)
        .filter((e) => e.extendedProperties?.private?.[MARKER.source])
        .map((e) => e.id)
        .sort(),
    ).toEqual(copiesBefore);
    expect(world.emu.requests.filter((r) => r.method === 'DELETE')).toEqual([]);

    // A change of a source reaches the adopted copy, which now names its shared calendar.
    world.emu.updateEvent(ALICE, 'flight0ba117', { summary: 'Flight BA 118' });
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Flight BA 118')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Flight BA 117')).toBe(0);
    const flight = world.emu
      .listEvents(ALICE)
      .find((e) => e.summary === 'Flight BA 118' && e.id !== 'flight0ba117');
    expect(flight?.id).toMatch(/^cs/);
    expect(flight?.extendedProperties?.private?.[MARKER.target]).toBe(SHARED);
  }, 120_000);

  it("another install of the new release leaves the previous release's copies and invitation alone", async () => {
    world = await previousRelease();
    world.emu.addAccount(DAD);
    world.emu.addCalendar(DAD, { owner: DAD, writers: [ALICE], readers: [], summary: 'Dad' });
    const dad = cliEnv(world.emu, { CALSYNC_SOURCE_CALENDARS: ALICE, CALSYNC_INVITE_EMAIL: DAD });
    cleanups.push(() => dad.cleanup());
    for (const a of [ALICE, DAD]) dad.writeToken(a, world.emu.authorizedUser(a));
    const before = JSON.stringify(world.emu.listEvents(SHARED).map(asWritten));
    for (let i = 0; i < 2; i++) {
      const res = await dad.run(['poll']);
      expect(res.code, res.stderr).toBe(0);
    }
    expect(titles(world, DAD)).toEqual(EVERYTHING);
    const purge = await dad.run(['purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(titles(world, DAD)).toEqual([]);
    // The previous release's copies, mirror and invitation of Mum's install are exactly as they were.
    expect(JSON.stringify(world.emu.listEvents(SHARED).map(asWritten))).toBe(before);
    expect(world.emu.getEvent(ALICE, 'dentist01')?.extendedProperties?.private?.[MARKER.invited]).toBe('1');
  }, 120_000);

  it("after a lost state file too: the previous release's birthday and Gmail copies are found in the listing and adopted, not made twice", async () => {
    world = await previousRelease();
    rmSync(join(world.cli.dir, 'state.json'));
    for (let i = 0; i < 2; i++) {
      const res = await world.cli.run(['poll']);
      expect(res.code, res.stderr).toBe(0);
    }
    const copies = world.emu.listEvents(ALICE).filter((e) => e.extendedProperties?.private?.[MARKER.source]);
    expect(copies.map((e) => e.summary).sort()).toEqual(['Flight BA 117', 'Tom']);
    for (const copy of copies) {
      expect(copy.id).toMatch(/^cs/);
      expect(copy.extendedProperties?.private?.[MARKER.target]).toBe(SHARED);
    }
    expect(countBySummary(world.emu, SHARED, 'Tom')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Flight BA 117')).toBe(1);
    expect(world.emu.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });
});
