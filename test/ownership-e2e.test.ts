/**
 * Whose copies are whose (issue 22), end to end through the built binary:
 * two installs (config dirs) sharing a source account, each with its own
 * shared calendar, and chained households.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples, type GoogleEvent } from '../src/emulator/index.js';
import { copyOwnership, invitedMarkerKey } from '../src/sync/ownership.js';
import { MARKER } from '../src/sync/types.js';
import { cliEnv, type CliEnv } from './helpers/cli.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
/** The second household's shared calendar (dad's install), fed by the same source account. */
const DAD = 'family-dad@group.calendar.test';
/** Grandma's shared calendar: her install reads SHARED (mum's shared calendar) as a source. */
const GRAN = 'family-gran@group.calendar.test';

let world: World | undefined;
let others: CliEnv[] = [];
afterEach(async () => {
  for (const o of others) o.cleanup();
  others = [];
  await world?.close();
  world = undefined;
});

/** A second install on this machine: its own config dir, its own shared calendar. */
function secondInstall(w: World, shared: string, sources: string[], writers: string[]): CliEnv {
  w.emu.addAccount(shared);
  w.emu.addCalendar(shared, { owner: shared, writers, readers: [], summary: shared });
  const cli = cliEnv(w.emu, { CALSYNC_SOURCE_CALENDARS: sources.join(','), CALSYNC_INVITE_EMAIL: shared });
  for (const a of [...sources, shared]) cli.writeToken(a, w.emu.authorizedUser(a));
  others.push(cli);
  return cli;
}

function seed(w: World) {
  const { emu } = w;
  emu.seedEvent(ALICE, samples.birthdayEvent({ summary: 'Tom', date: at(3, 0).slice(0, 10) }));
  emu.seedEvent(ALICE, samples.gmailEvent({ summary: 'Flight BA 117', start: at(4, 8), end: at(4, 16) }));
  const own = emu.seedEvent(
    ALICE,
    samples.meeting({ summary: 'Dentist', start: at(1, 9), end: at(1, 10), attendees: ['jo@example.test'] }),
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
  return { own };
}

/** Everything on a calendar that belongs to the install of `target` (copies, mirrors, invited events), as JSON. */
function ownedBy(w: World, calendarId: string, target: string, except: string): string[] {
  return w.emu
    .listEvents(calendarId, { includeCancelled: true })
    .filter(
      (e: GoogleEvent) =>
        e.id !== except &&
        (copyOwnership(e, calendarId, target) === 'mine' ||
          e.extendedProperties?.private?.[invitedMarkerKey(target)] !== undefined),
    )
    .map((e) => JSON.stringify(e))
    .sort();
}

const titles = (w: World, calendarId: string) =>
  w.emu
    .listEvents(calendarId)
    .map((e) => e.summary ?? '')
    .sort();

describe('two installs sharing a source account, each with its own shared calendar', () => {
  it('both are fully synced; purge in one leaves the other exactly as it was, and the other then writes nothing', async () => {
    world = await startWorld();
    const { own } = seed(world);
    const dad = secondInstall(world, DAD, [ALICE], [ALICE]);
    for (const cli of [world.cli, dad, world.cli, dad]) {
      const res = await cli.run(['poll']);
      expect(res.code, res.stderr).toBe(0);
    }
    // Each shared calendar holds everything: the birthday and flight copies (invitations), the invited meeting, the mirror.
    const everything = ['Board meeting', 'Dentist', 'Flight BA 117', 'Tom'];
    expect(titles(world, SHARED)).toEqual(everything);
    expect(titles(world, DAD)).toEqual(everything);
    // Two copies of the birthday on Alice's calendar, one per install, each inviting its own shared calendar only.
    const copies = world.emu.listEvents(ALICE).filter((e) => e.extendedProperties?.private?.[MARKER.source]);
    expect(copies.map((e) => e.extendedProperties?.private?.[MARKER.target]).sort()).toEqual(
      [DAD, DAD, SHARED, SHARED].sort(),
    );
    for (const copy of copies)
      expect(copy.attendees?.map((a) => a.email)).toEqual([
        copy.extendedProperties?.private?.[MARKER.target],
      ]);
    // The meeting invites both shared calendars, each with its install's own marker.
    const dentist = world.emu.getEvent(ALICE, own.id ?? '');
    expect(attendeeCount(dentist, SHARED)).toBe(1);
    expect(attendeeCount(dentist, DAD)).toBe(1);
    expect(dentist?.extendedProperties?.private?.[invitedMarkerKey(SHARED)]).toBe(SHARED);
    expect(dentist?.extendedProperties?.private?.[invitedMarkerKey(DAD)]).toBe(DAD);
    // health-check of either: no invitation waits for ever.
    for (const cli of [world.cli, dad]) {
      const health = await cli.run(['health-check', '--no-alert']);
      expect(health.stdout).not.toMatch(/never reached|not reached/);
    }

    // Mum's copies and mirror, exactly; the meeting both invite is checked for Mum's guest and marker below.
    const mumBefore = [ALICE, SHARED].flatMap((cal) => ownedBy(world as World, cal, SHARED, own.id ?? ''));
    expect(mumBefore.length).toBe(3); // the birthday and flight copies on Alice's calendar, the mirror on SHARED
    const guestOf = (e: GoogleEvent | undefined, email: string) =>
      JSON.stringify(e?.attendees?.find((a) => a.email === email));
    const mumGuest = guestOf(dentist, SHARED);

    const purge = await dad.run(['purge', '--json']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(titles(world, DAD)).toEqual([]);
    expect([ALICE, SHARED].flatMap((cal) => ownedBy(world as World, cal, SHARED, own.id ?? ''))).toEqual(
      mumBefore,
    );
    const after = world.emu.getEvent(ALICE, own.id ?? '');
    expect(guestOf(after, SHARED)).toBe(mumGuest);
    expect(after?.extendedProperties?.private?.[invitedMarkerKey(SHARED)]).toBe(SHARED);
    expect(attendeeCount(after, DAD)).toBe(0);
    expect(after?.extendedProperties?.private?.[invitedMarkerKey(DAD)]).toBeUndefined();
    expect(titles(world, SHARED)).toEqual(everything);

    // Mum's next poll sees Dad's copies go and the meeting change: nothing of hers to do.
    const writes = world.writes();
    const poll = await world.cli.run(['poll']);
    expect(poll.code, poll.stderr).toBe(0);
    expect(world.writes() - writes).toBe(0);
    expect(titles(world, SHARED)).toEqual(everything);
  });
});

describe('chained households', () => {
  it("an install whose source is another install's shared calendar gets that calendar's mirrors and copies", async () => {
    world = await startWorld();
    seed(world);
    // Grandma's install reads Mum's shared calendar with its own token (the calendar's own address).
    const gran = secondInstall(world, GRAN, [SHARED], [SHARED]);
    for (const cli of [world.cli, gran, world.cli, gran]) {
      const res = await cli.run(['poll']);
      expect(res.code, res.stderr).toBe(0);
    }
    expect(titles(world, SHARED)).toEqual(['Board meeting', 'Dentist', 'Flight BA 117', 'Tom']);
    // Mum's mirror of the board meeting is an ordinary event of Grandma's source: it reaches her calendar.
    expect(countBySummary(world.emu, GRAN, 'Board meeting')).toBe(1);
    // Mum's install still keeps its mirror, and a change of the meeting still reaches both.
    const board = world.emu.listEvents(ALICE).find((e) => e.summary === 'Board meeting');
    world.emu.updateEvent(ALICE, board?.id ?? '', { summary: 'Board meeting (moved)' });
    for (const cli of [world.cli, gran]) {
      const res = await cli.run(['poll']);
      expect(res.code, res.stderr).toBe(0);
    }
    expect(countBySummary(world.emu, SHARED, 'Board meeting (moved)')).toBe(1);
    expect(countBySummary(world.emu, GRAN, 'Board meeting (moved)')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(0);
  });
});
