/**
 * Who writes mirrors, end to end through the built binary: the source
 * account itself when it may write the group calendar (no sharedCalendarAccount,
 * no token for the group calendar), the fallback when it may only read, and
 * a health-check WARNING with the fix when nobody may.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { SHARED, at, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const CAROL = 'carol@example.test';
const BOB = 'bob@corp.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface JsonReport {
  exitCode: number;
  quotaUnits: number;
  calendars: { calendarId: string; mirrorsSkipped: number; mirrorWriter?: string; failed: number }[];
}

const onShared = (w: World, method: string) =>
  w.emu.requests.filter((r) => r.method === method && r.path.includes(`/calendars/${SHARED}/events`));

/** A meeting Bob organizes with both accounts as guests: Google gives each guest copy the same id. */
function sharedMeeting(w: World, summary: string) {
  return w.emu.seedEvent(
    BOB,
    samples.meeting({ summary, start: at(2, 10), end: at(2, 11), attendees: [BOB, ALICE, CAROL] }),
  );
}

function othersMeeting(w: World, calendar: string, summary: string) {
  return w.emu.seedEvent(
    calendar,
    samples.meeting({
      summary,
      start: at(3, 9),
      end: at(3, 10),
      organizer: BOB,
      attendees: [BOB, { email: calendar, responseStatus: 'accepted' }],
    }),
  );
}

describe('mirror writer', () => {
  it('two writers of a group calendar mirror their meetings with no sharedCalendarAccount; a meeting both attend has one mirror', async () => {
    // The README's quick start, settings in config.json, minus sharedCalendarAccount (empty variables count as unset).
    world = await startWorld({
      sources: [ALICE, CAROL],
      sharedToken: false,
      env: { CALSYNC_SOURCE_CALENDARS: '', CALSYNC_INVITE_EMAIL: '' },
    });
    for (const args of [
      ['config', 'set', 'sourceCalendars', `${ALICE},${CAROL}`],
      ['config', 'set', 'inviteEmail', SHARED],
    ])
      expect((await world.cli.run(args)).code).toBe(0);
    othersMeeting(world, ALICE, 'Alice meets Bob');
    othersMeeting(world, CAROL, 'Carol meets Bob');
    sharedMeeting(world, 'All hands');
    const dry = await world.cli.run(['poll', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(onShared(world, 'POST')).toEqual([]);
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.calendars.map((c) => [c.calendarId, c.mirrorWriter, c.mirrorsSkipped])).toEqual([
      [ALICE, ALICE, 0],
      [CAROL, CAROL, 0],
    ]);
    expect(countBySummary(world.emu, SHARED, 'Alice meets Bob')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Carol meets Bob')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'All hands')).toBe(1);
    // The second account's insert met 409: it read the mirror and wrote nothing more.
    expect(
      onShared(world, 'POST')
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 200, 200, 409]);
    expect([...onShared(world, 'PUT'), ...onShared(world, 'PATCH')]).toEqual([]);
    expect(world.emu.requests.filter((r) => r.status === 403)).toEqual([]);
    const health = await world.cli.run(['health-check']);
    expect(health.stdout).toMatch(/^CALSYNC OK/);
    expect(health.code).toBe(0);
  });

  it('access is learnt once per poll per account; a calendar only shared through its ACL (calendarList.get 404) is read through events.list', async () => {
    world = await startWorld({ sources: [ALICE], sharedToken: false });
    for (let i = 0; i < 5; i++) othersMeeting(world, ALICE, `Meeting ${i}`);
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    const access = world.emu.requests.filter(
      (r) =>
        r.path.endsWith(`/calendarList/${SHARED}`) ||
        (r.path.endsWith(`/calendars/${SHARED}/events`) && r.method === 'GET'),
    );
    expect(
      access.map((r) => [r.path.includes('calendarList') ? 'calendarList.get' : 'events.list', r.status]),
    ).toEqual([
      ['calendarList.get', 404],
      ['events.list', 200],
    ]);
    expect(onShared(world, 'POST').filter((r) => r.status === 200)).toHaveLength(5);
  });

  it("a calendar in the account's calendar list is asked through calendarList.get alone", async () => {
    world = await startWorld({ sources: [ALICE], sharedToken: false });
    world.emu.addCalendar(SHARED, { owner: SHARED, listedBy: [ALICE] });
    othersMeeting(world, ALICE, 'Listed');
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(
      world.emu.requests.filter((r) => r.path.endsWith(`/calendarList/${SHARED}`)).map((r) => r.status),
    ).toEqual([200]);
    expect(
      world.emu.requests.filter((r) => r.path.endsWith(`/calendars/${SHARED}/events`) && r.method === 'GET'),
    ).toEqual([]);
    expect(countBySummary(world.emu, SHARED, 'Listed')).toBe(1);
  });

  it('a reader of the shared calendar gets no mirror and no refused write; the poll exits 0, health-check warns with the fix, and the fallback writer fixes it', async () => {
    world = await startWorld({ sources: [ALICE, CAROL], sharedWriters: [ALICE], sharedToken: false });
    othersMeeting(world, CAROL, 'Carol only');
    const own = world.emu.seedEvent(
      CAROL,
      samples.meeting({ summary: 'Carol own', start: at(1, 9), end: at(1, 10) }),
    );
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.calendars.find((c) => c.calendarId === CAROL)?.mirrorsSkipped).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Carol only')).toBe(0);
    expect(world.emu.requests.filter((r) => r.status === 403)).toEqual([]);
    expect(onShared(world, 'POST')).toEqual([]);
    // Invites do not need the shared calendar's write access.
    expect(world.emu.getEvent(CAROL, own.id ?? '')?.attendees?.map((a) => a.email)).toContain(SHARED);

    const text = await world.cli.run(['poll', '--full-resync']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1 mirrors skipped: no account may write the shared calendar/);
    expect(text.stdout).toMatch(/calsync config set sharedCalendarAccount/);

    const health = await world.cli.run(['health-check']);
    expect(health.code).toBe(1);
    expect(health.stdout).toMatch(/^CALSYNC WARNING/);
    expect(health.stdout).toMatch(/mirrors skipped/);
    expect(health.stdout).toMatch(/calsync config set sharedCalendarAccount/);

    expect((await world.cli.run(['config', 'set', 'sharedCalendarAccount', ALICE])).code).toBe(0);
    const fixed = await world.cli.run(['poll', '--full-resync', '--json']);
    expect(fixed.code, fixed.stderr).toBe(0);
    const after = JSON.parse(fixed.stdout) as JsonReport;
    expect(after.calendars.find((c) => c.calendarId === CAROL)?.mirrorWriter).toBe(ALICE);
    expect(countBySummary(world.emu, SHARED, 'Carol only')).toBe(1);
    const healthy = await world.cli.run(['health-check']);
    expect(healthy.stdout).toMatch(/^CALSYNC OK/);
  });
});
