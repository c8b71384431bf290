/**
 * Special dates and old Gmail events (issue 11, points 3 and 4), end to end
 * through the built binary (facts page, "Birthdays" and "Gmail events").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { calendarClientFor } from './helpers/emulator.js';
import { copyEventId } from '../src/sync/ids.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const CONTACTS = 'addressbook#contacts@group.v.calendar.google.com';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Report {
  birthdayTypes: string[];
  actions: { eventId: string; action: string; result: string; reason?: string }[];
}

describe('every kind of special date', () => {
  it('birthday, anniversary, custom and other are copied with the shared calendar as guest; self is not by default; --json and debug logs say which types', async () => {
    world = await startWorld();
    const date = at(3, 0).slice(0, 10);
    const seeded = Object.fromEntries(
      (['birthday', 'anniversary', 'custom', 'other', 'self'] as const).map((type) => [
        type,
        world?.emu.seedEvent(ALICE, samples.specialDateEvent({ type, summary: `S ${type}`, date })),
      ]),
    );
    const res = await world.cli.run(['poll', '--json', '--verbose']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.birthdayTypes).toEqual(['birthday', 'anniversary', 'custom', 'other']);
    expect(res.stderr).toContain('birthday types copied: birthday, anniversary, custom, other');
    for (const type of ['birthday', 'anniversary', 'custom', 'other']) {
      const copy = world.emu.getEvent(ALICE, copyEventId(SHARED, ALICE, seeded[type]?.id ?? '', 'birthday'));
      expect(copy?.summary).toBe(`S ${type}`);
      expect(attendeeCount(copy, SHARED)).toBe(1);
    }
    const self = report.actions.find((a) => a.eventId === seeded.self?.id);
    expect(self).toMatchObject({ action: 'skip', reason: 'birthday type "self" is not in birthdayTypes' });
    expect(countBySummary(world.emu, ALICE, 'S self')).toBe(1);
  });

  it("birthdayTypes self copies the account's own birthday", async () => {
    world = await startWorld();
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ birthdayTypes: ['self'] }));
    const own = world.emu.seedEvent(
      ALICE,
      samples.specialDateEvent({ type: 'self', summary: 'Me', date: at(5, 0).slice(0, 10) }),
    );
    const res = await world.cli.run(['poll', '--json']);
    expect((JSON.parse(res.stdout) as Report).birthdayTypes).toEqual(['self']);
    expect(world.emu.getEvent(ALICE, copyEventId(SHARED, ALICE, own.id ?? '', 'birthday'))?.summary).toBe(
      'Me',
    );
  });

  it('a 29 February birthday is copied with its leap-day rule, and the copy falls on 28 February in common years', async () => {
    world = await startWorld();
    const leap = world.emu.seedEvent(
      ALICE,
      samples.specialDateEvent({ type: 'birthday', summary: 'Leap', date: '2028-02-29' }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const copyId = copyEventId(SHARED, ALICE, leap.id ?? '', 'birthday');
    expect(world.emu.getEvent(ALICE, copyId)?.recurrence).toEqual([samples.LEAP_DAY_RULE]);
    const { data } = await calendarClientFor(world.emu, ALICE).events.instances({
      calendarId: ALICE,
      eventId: copyId,
      timeMin: '2028-01-01T00:00:00Z',
      timeMax: '2030-01-01T00:00:00Z',
    });
    expect(data.items?.map((e) => e.start?.date)).toEqual(['2028-02-29', '2029-02-28']);
  });

  it('the old read-only contacts-birthday calendar as a source: its copies go to the shared calendar, none fails', async () => {
    world = await startWorld({ env: { CALSYNC_SOURCE_CALENDARS: `${ALICE},${CONTACTS}` } });
    world.emu.addCalendar(CONTACTS, {
      owner: 'contacts@system.test',
      readers: [ALICE],
      summary: 'Birthdays',
    });
    // Google's old "Birthdays" calendar shows its reader (the account) every name: its events are not private.
    const ann = world.emu.seedEvent(CONTACTS, {
      ...samples.birthdayEvent({ summary: 'Ann', date: at(3, 0).slice(0, 10) }),
      visibility: 'default',
    });
    const refused = await world.cli.run(['poll']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`calsync config set calendarAccounts '${CONTACTS}=<your account>'`);

    writeFileSync(
      join(world.cli.dir, 'config.json'),
      JSON.stringify({ calendarAccounts: { [CONTACTS]: ALICE } }),
    );
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const copy = world.emu.getEvent(SHARED, copyEventId(SHARED, CONTACTS, ann.id ?? '', 'birthday'));
    expect(copy?.summary).toBe('Ann');
    expect(copy?.attendees ?? []).toHaveLength(0);
    expect(world.emu.listEvents(CONTACTS)).toHaveLength(1);
  });
});

describe('Gmail events from before 2024-05-30', () => {
  it('a full resync with a long lookback copies them as Gmail events, with no mirror', async () => {
    world = await startWorld();
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ lookbackDays: 30 }));
    const old = world.emu.seedEvent(
      ALICE,
      samples.legacyGmailEvent({
        summary: 'Flight 2023',
        start: at(-10, 8),
        end: at(-10, 10),
        account: ALICE,
      }),
    );
    const res = await world.cli.run(['poll', '--full-resync', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const action = (JSON.parse(res.stdout) as Report).actions.find((a) => a.eventId === old.id);
    expect(action).toMatchObject({ action: 'copy-gmail', result: 'done' });
    expect(world.emu.getEvent(ALICE, copyEventId(SHARED, ALICE, old.id ?? '', 'gmail'))?.summary).toBe(
      'Flight 2023',
    );
    expect(countBySummary(world.emu, SHARED, 'Flight 2023')).toBe(1); // the copy's invitation, not a mirror
    expect(world.emu.getEvent(SHARED, copyEventId(SHARED, ALICE, old.id ?? '', 'mirror'))).toBeUndefined();
  });
});

describe('single occurrences of a birthday series (review finding)', () => {
  it('a changed occurrence changes that occurrence of the copy, a cancelled one cancels it: never a second yearly copy', async () => {
    world = await startWorld();
    const date = at(3, 0).slice(0, 10);
    const tom = world.emu.seedEvent(ALICE, samples.birthdayEvent({ summary: "Uncle Tom's birthday", date }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const copyId = copyEventId(SHARED, ALICE, tom.id ?? '', 'birthday');
    expect(world.emu.getEvent(ALICE, copyId)?.summary).toBe("Uncle Tom's birthday");
    const stamp = (years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4).replace(/-/g, '')}`;
    // This year's is his 60th; next year's is cancelled.
    world.emu.updateEvent(ALICE, `${tom.id ?? ''}_${stamp(0)}`, { summary: "Uncle Tom's 60th birthday!" });
    world.emu.updateEvent(ALICE, `${tom.id ?? ''}_${stamp(1)}`, { status: 'cancelled' });
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    expect(world.emu.getEvent(ALICE, `${copyId}_${stamp(0)}`)?.summary).toBe("Uncle Tom's 60th birthday!");
    expect(world.emu.getEvent(ALICE, `${copyId}_${stamp(1)}`)?.status).toBe('cancelled');
    // One copy, the series, and no yearly "60th birthday" beside it.
    const copies = world.emu
      .listEvents(ALICE)
      .filter((e) => e.extendedProperties?.private?.calsyncSource && !e.recurringEventId);
    expect(copies.map((e) => e.id)).toEqual([copyId]);
    expect(world.emu.listEvents(ALICE).filter((e) => e.recurrence?.length).length).toBe(2);
    // Settled: the next poll writes nothing.
    const writes = world.writes();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.writes()).toBe(writes);
  });
});
