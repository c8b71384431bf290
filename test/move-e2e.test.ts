/**
 * Moving to another shared calendar (issue 22), end to end through the built
 * binary: `config set inviteEmail` after a full sync, with and without the
 * state file.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { invitedMarkerKey } from '../src/sync/ownership.js';
import { MARKER } from '../src/sync/types.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const NEW = 'new-family@group.calendar.test';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A world whose shared calendar is set in config.json (as a user does), not in the environment. */
async function household(): Promise<World> {
  const w = await startWorld();
  delete w.cli.env.CALSYNC_INVITE_EMAIL;
  w.emu.addAccount(NEW);
  w.emu.addCalendar(NEW, { owner: NEW, writers: [ALICE], readers: [], summary: 'New family' });
  w.cli.writeToken(NEW, w.emu.authorizedUser(NEW));
  const { emu } = w;
  emu.seedEvent(ALICE, samples.birthdayEvent({ summary: 'Tom', date: at(3, 0).slice(0, 10) }));
  emu.seedEvent(ALICE, samples.gmailEvent({ summary: 'Flight BA 117', start: at(4, 8), end: at(4, 16) }));
  emu.seedEvent(
    ALICE,
    samples.meeting({ summary: 'Dentist', start: at(1, 9), end: at(1, 10), attendees: ['jo@example.test'] }),
  );
  // A person invited the old shared calendar by hand: that guest stays.
  emu.seedEvent(
    ALICE,
    samples.meeting({ summary: 'Family dinner', start: at(2, 18), end: at(2, 20), attendees: [SHARED] }),
  );
  emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Board meeting',
      start: at(2, 14),
      end: at(2, 15),
      organizer: 'bob@corp.test',
      attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
    }),
  );
  const set = await w.cli.run(['config', 'set', 'inviteEmail', SHARED]);
  expect(set.code, set.stderr).toBe(0);
  for (let i = 0; i < 2; i++) {
    const poll = await w.cli.run(['poll']);
    expect(poll.code, poll.stderr).toBe(0);
  }
  expect(titles(w, SHARED)).toEqual(EVERYTHING);
  return w;
}

const EVERYTHING = ['Board meeting', 'Dentist', 'Family dinner', 'Flight BA 117', 'Tom'];

const titles = (w: World, calendarId: string) =>
  w.emu
    .listEvents(calendarId)
    .map((e) => e.summary ?? '')
    .sort();

/** The move is complete: everything on the new calendar, nothing calsync made for the old one left anywhere. */
function expectMoved(w: World): void {
  expect(titles(w, NEW)).toEqual(EVERYTHING);
  // The old calendar keeps only what a person put there.
  expect(titles(w, SHARED)).toEqual(['Family dinner']);
  for (const e of w.emu.listEvents(ALICE)) {
    const props = e.extendedProperties?.private ?? {};
    expect(props[invitedMarkerKey(SHARED)]).toBeUndefined();
    if (props[MARKER.source]) expect(props[MARKER.target]).toBe(NEW);
    if (e.summary === 'Dentist') expect(attendeeCount(e, SHARED)).toBe(0);
    if (e.summary === 'Family dinner') expect(attendeeCount(e, SHARED)).toBe(1);
  }
}

describe('moving to another shared calendar', () => {
  it('config set inviteEmail says what the next poll does; the move is paced, exits 0, and health-check says what is left', async () => {
    world = await household();
    const set = await world.cli.run(['config', 'set', 'inviteEmail', NEW]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`the next poll moves what calsync shares from ${SHARED} to ${NEW}`);

    // The plan first: it names what goes from the old calendar, and changes nothing.
    const writes = world.writes();
    const dry = await world.cli.run(['poll', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { move?: { from: string; planned?: unknown[] } };
    expect(plan.move?.from).toBe(SHARED);
    expect(plan.move?.planned?.length).toBe(4); // the birthday and flight copies, the mirror, the invitation
    expect(world.writes()).toBe(writes);

    // A small write budget: the move takes more than one poll, and every poll exits 0.
    expect((await world.cli.run(['config', 'set', 'maxWritesPerPoll', '3'])).code).toBe(0);
    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    const health = await world.cli.run(['health-check', '--no-alert']);
    expect(health.stdout).toMatch(new RegExp(`moving from ${SHARED} to ${NEW}: \\d+ left`));
    expect(health.code).toBe(1);
    for (let i = 0; i < 6; i++) {
      const poll = await world.cli.run(['poll']);
      expect(poll.code, poll.stderr).toBe(0);
    }
    expectMoved(world);
    const after = await world.cli.run(['health-check', '--no-alert']);
    expect(after.stdout).not.toContain('moving from');
    // Done: the next poll writes nothing.
    const before = world.writes();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.writes()).toBe(before);
  }, 120_000);

  it("the move's plan never names a private event (privateEvents full shared it in full)", async () => {
    world = await household();
    const w = world;
    expect((await w.cli.run(['config', 'set', 'privateEvents', 'full'])).code).toBe(0);
    w.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Therapy',
        start: at(5, 9),
        end: at(5, 10),
        attendees: ['jo@example.test'],
      }),
      visibility: 'private',
    });
    expect((await w.cli.run(['poll'])).code).toBe(0);
    expect((await w.cli.run(['config', 'set', 'inviteEmail', NEW])).code).toBe(0);
    const dry = await w.cli.run(['poll', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { move?: { planned?: { summary?: string }[] } };
    expect(plan.move?.planned?.length).toBe(5);
    expect(plan.move?.planned?.map((p) => p.summary)).toContain('Dentist');
    expect(dry.stdout).not.toContain('Therapy');
  });

  it('after a lost state file too: the old calendar comes from config set, the copies from their markers', async () => {
    world = await household();
    rmSync(join(world.cli.dir, 'state.json'));
    expect((await world.cli.run(['config', 'set', 'inviteEmail', NEW])).code).toBe(0);
    for (let i = 0; i < 2; i++) {
      const poll = await world.cli.run(['poll']);
      expect(poll.code, poll.stderr).toBe(0);
    }
    expectMoved(world);
  }, 120_000);
});
