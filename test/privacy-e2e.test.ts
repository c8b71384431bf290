/**
 * Issue 23 end to end, through the built binary against the emulator: what a
 * person marked private, and what a filter excludes, never reaches the shared
 * calendar in more detail than they chose, in any order of edits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples, type GoogleEvent } from '../src/emulator/index.js';
import { MARKER } from '../src/sync/types.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@corp.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Report {
  actions: {
    calendarId: string;
    eventId: string;
    reason?: string;
    action: string;
    result: string;
    summary?: string;
    privacy?: string;
    privacyRule?: string;
    private?: boolean;
  }[];
  calendars: { calendarId: string; busyBlocks?: number; filtered?: number }[];
}

async function poll(w: World, ...args: string[]): Promise<Report> {
  const res = await w.cli.run(['poll', '--json', ...args]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Report;
}

/** The live events calsync keeps on the shared calendar (copies, mirrors, busy blocks), by its marker. */
function calsyncEvents(w: World): GoogleEvent[] {
  return w.emu.listEvents(SHARED).filter((e) => e.extendedProperties?.private?.[MARKER.source]);
}

/** Every request calsync sent that writes the shared calendar, or hands it an event (a guest added). */
function requestsReachingShared(w: World): unknown[] {
  return w.emu.requests
    .filter((r) => r.method !== 'GET' && r.path.startsWith('/calendar/v3/'))
    .filter((r) => r.path.includes(`/calendars/${SHARED}/`) || JSON.stringify(r.body ?? {}).includes(SHARED))
    .map((r) => r.body);
}

const SECRET = {
  summary: 'Therapy with Dr Who',
  description: 'Room 12, bring notes',
  location: 'Harley St 9',
};

describe('private events are shared as busy blocks', () => {
  it('an own private event and a stranger private meeting: a busy block each, nothing of their details sent', async () => {
    world = await startWorld();
    const own = world.emu.seedEvent(ALICE, {
      ...samples.meeting({
        ...SECRET,
        start: at(1, 9),
        end: at(1, 10),
        attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
      }),
      visibility: 'private',
    });
    const theirs = world.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Interview at Acme',
        description: 'salary talk',
        location: 'Acme HQ',
        start: at(2, 14),
        end: at(2, 15),
        organizer: CAROL,
        attendees: [CAROL, { email: ALICE, responseStatus: 'accepted' }],
      }),
      visibility: 'confidential',
    });
    const report = await poll(world);
    expect(report.calendars[0]?.busyBlocks).toBe(2);
    const blocks = calsyncEvents(world);
    expect(blocks.map((b) => b.summary)).toEqual([`Busy (${ALICE})`, `Busy (${ALICE})`]);
    for (const b of blocks) {
      expect(b.extendedProperties?.private?.[MARKER.rule]).toBe('busy');
      expect(b.transparency).toBe('opaque');
      expect(b.description ?? undefined).toBeUndefined();
      expect(b.location ?? undefined).toBeUndefined();
      expect(b.attendees ?? []).toEqual([]);
    }
    expect(blocks.map((b) => b.start?.dateTime).sort()).toEqual(
      [own.start?.dateTime, theirs.start?.dateTime].sort(),
    );
    // Never invited, and no request toward the shared calendar carried a detail.
    expect(attendeeCount(world.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(0);
    const sent = JSON.stringify(requestsReachingShared(world));
    for (const secret of [...Object.values(SECRET), 'Interview at Acme', 'salary talk', 'Acme HQ'])
      expect(sent).not.toContain(secret);
    // The report names the rule, and the text output never prints a private title.
    expect(report.actions.find((a) => a.eventId === own.id)).toMatchObject({
      privacy: 'busy',
      privacyRule: 'private event (privateEvents busy)',
      private: true,
    });
    expect(report.actions.find((a) => a.eventId === own.id)?.summary).toBeUndefined();
    world.emu.updateEvent(ALICE, own.id ?? '', {
      start: { dateTime: at(1, 11) },
      end: { dateTime: at(1, 12) },
    });
    const dry = await world.cli.run(['poll', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`${own.id} (private)`);
    expect(dry.stdout).not.toContain('Therapy');
    // It follows its source, and purge takes it away like a mirror.
    await poll(world);
    expect(calsyncEvents(world).map((b) => b.start?.dateTime)).toContain(at(1, 11));
    const purge = await world.cli.run(['purge', '--json']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(calsyncEvents(world)).toEqual([]);
  });

  it('privateEvents skip shares nothing; full shares it as before', async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, {
      ...samples.meeting({ ...SECRET, start: at(1, 9), end: at(1, 10) }),
      visibility: 'private',
    });
    const set = await world.cli.run(['config', 'set', 'privateEvents', 'skip']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('poll --full-resync');
    const report = await poll(world);
    expect(report.calendars[0]?.filtered).toBe(1);
    expect(calsyncEvents(world)).toEqual([]);
    expect(world.emu.listEvents(SHARED)).toEqual([]);
  });

  it('an invited event turns private: the invitee goes (other guests stay) and a busy block comes; and back', async () => {
    world = await startWorld();
    const own = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        ...SECRET,
        start: at(1, 9),
        end: at(1, 10),
        attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
      }),
    );
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(1);
    world.emu.updateEvent(ALICE, own.id ?? '', { visibility: 'private' });
    await poll(world);
    const now = world.emu.getEvent(ALICE, own.id ?? '');
    expect(attendeeCount(now, SHARED)).toBe(0);
    expect(attendeeCount(now, 'jo@example.test')).toBe(1);
    expect(
      Object.keys(now?.extendedProperties?.private ?? {}).filter((k) => k.startsWith(MARKER.invited)),
    ).toEqual([]);
    // The invitation's copy on the shared calendar went with the guest; a busy block is there instead.
    expect(countBySummary(world.emu, SHARED, SECRET.summary)).toBe(0);
    expect(calsyncEvents(world).map((e) => e.summary)).toEqual([`Busy (${ALICE})`]);
    // Public again: the shared calendar is invited again, and the block goes, in one poll.
    world.emu.updateEvent(ALICE, own.id ?? '', { visibility: 'default' });
    await poll(world);
    expect(calsyncEvents(world)).toEqual([]);
    expect(attendeeCount(world.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(1);
    expect(countBySummary(world.emu, SHARED, SECRET.summary)).toBe(1);
  });

  it('a mirrored meeting turns private: the mirror becomes a busy block in place, and back', async () => {
    world = await startWorld();
    const meeting = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        ...SECRET,
        start: at(2, 14),
        end: at(2, 15),
        organizer: CAROL,
        attendees: [CAROL, { email: ALICE, responseStatus: 'accepted' }],
      }),
    );
    await poll(world);
    const [mirror] = calsyncEvents(world);
    expect(mirror?.summary).toBe(SECRET.summary);
    world.emu.updateEvent(ALICE, meeting.id ?? '', { visibility: 'private' });
    world.emu.clearRequestLog();
    await poll(world);
    const [block] = calsyncEvents(world);
    expect(block?.id).toBe(mirror?.id);
    expect(block).toMatchObject({ summary: `Busy (${ALICE})`, transparency: 'opaque' });
    expect(block?.description ?? undefined).toBeUndefined();
    expect(block?.location ?? undefined).toBeUndefined();
    expect(block?.extendedProperties?.private?.[MARKER.rule]).toBe('busy');
    // An update in place, conditional like every update.
    const updates = world.emu.requests.filter((r) => r.method === 'PUT');
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(requestsReachingShared(world))).not.toContain('Therapy');
    world.emu.updateEvent(ALICE, meeting.id ?? '', { visibility: 'public' });
    await poll(world);
    const [back] = calsyncEvents(world);
    expect(back).toMatchObject({ id: mirror?.id, summary: SECRET.summary, location: SECRET.location });
  });

  it('a stricter calendarDetails applies to unchanged events at poll --full-resync', async () => {
    world = await startWorld();
    world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Standup',
        start: at(2, 9),
        end: at(2, 10),
        organizer: CAROL,
        attendees: [CAROL, ALICE],
      }),
    );
    await poll(world);
    expect(calsyncEvents(world).map((e) => e.summary)).toEqual(['Standup']);
    const set = await world.cli.run(['config', 'set', 'calendarDetails', `${ALICE}=busy`]);
    expect(set.code, set.stderr).toBe(0);
    await poll(world);
    expect(calsyncEvents(world).map((e) => e.summary)).toEqual(['Standup']);
    await poll(world, '--full-resync');
    expect(calsyncEvents(world).map((e) => e.summary)).toEqual([`Busy (${ALICE})`]);
    // explain says why it went as a busy block.
    const explained = await world.cli.run(['explain', 'Standup']);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain(`calendarDetails of ${ALICE} is busy`);
    expect(explained.stdout).toContain('busy block');
  });
});

/** The id Google gives one occurrence of a weekly series: `<series>_<start, basic format>`. */
function occurrenceId(series: GoogleEvent, weeksLater: number): { id: string; start: Date } {
  const start = new Date(new Date(series.start?.dateTime ?? '').getTime() + weeksLater * 7 * 86_400_000);
  const suffix = start
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { id: `${series.id ?? ''}_${suffix}`, start };
}

function weeklySeries(w: World, visibility: string): GoogleEvent {
  return w.emu.seedEvent(ALICE, {
    ...samples.meeting({
      ...SECRET,
      start: at(1, 9),
      end: at(1, 10),
      attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    }),
    visibility,
  });
}

/** The invite markers calsync keeps on a source event. */
const inviteMarkers = (event: GoogleEvent | undefined): string[] =>
  Object.keys(event?.extendedProperties?.private ?? {}).filter((k) => k.startsWith(MARKER.invited));

describe('single occurrences of a series', () => {
  it('one occurrence of a private series made public stays busy like its series: never invited, never beside the block', async () => {
    world = await startWorld();
    const series = weeklySeries(world, 'private');
    await poll(world);
    const [block] = calsyncEvents(world);
    expect(block?.summary).toBe(`Busy (${ALICE})`);
    const occ = occurrenceId(series, 1);
    world.emu.updateEvent(ALICE, occ.id, { visibility: 'default', summary: 'Lunch, all welcome' });
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, occ.id), SHARED)).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Lunch, all welcome')).toBe(0);
    expect(calsyncEvents(world).map((e) => e.summary)).toEqual([`Busy (${ALICE})`]);
    expect(world.emu.getEvent(SHARED, `${block?.id ?? ''}_${occ.id.split('_')[1] ?? ''}`)?.status).not.toBe(
      'cancelled',
    );
  });

  it('an invited series with a moved occurrence, its calendar set to busy: the invitee leaves both, the block shows the moved time', async () => {
    world = await startWorld();
    const series = weeklySeries(world, 'default');
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, series.id ?? ''), SHARED)).toBe(1);
    // One occurrence moves an hour: an exception of its own, its guests (the shared calendar too) copied into it.
    const occ = occurrenceId(series, 1);
    const moved = new Date(occ.start.getTime() + 3_600_000);
    world.emu.updateEvent(ALICE, occ.id, {
      start: { dateTime: moved.toISOString() },
      end: { dateTime: new Date(moved.getTime() + 3_600_000).toISOString() },
    });
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, occ.id), SHARED)).toBe(1);
    const set = await world.cli.run(['config', 'set', 'calendarDetails', `${ALICE}=busy`]);
    expect(set.code, set.stderr).toBe(0);
    world.emu.clearRequestLog();
    await poll(world, '--full-resync');
    await poll(world);
    for (const id of [series.id ?? '', occ.id]) {
      const now = world.emu.getEvent(ALICE, id);
      expect(attendeeCount(now, SHARED)).toBe(0);
      expect(attendeeCount(now, 'jo@example.test')).toBe(1);
      expect(inviteMarkers(now)).toEqual([]);
    }
    expect(countBySummary(world.emu, SHARED, SECRET.summary)).toBe(0);
    expect(JSON.stringify(requestsReachingShared(world))).not.toContain(SECRET.summary);
    const [block] = calsyncEvents(world).filter((e) => e.recurrence?.length);
    expect(block?.summary).toBe(`Busy (${ALICE})`);
    const blockOccurrence = world.emu.getEvent(SHARED, `${block?.id ?? ''}_${occ.id.split('_')[1] ?? ''}`);
    expect(blockOccurrence).toMatchObject({ summary: `Busy (${ALICE})`, status: 'confirmed' });
    expect(Date.parse(blockOccurrence?.start?.dateTime ?? '')).toBe(moved.getTime());
    // Settled: asking for every event again plans no write.
    world.emu.clearRequestLog();
    await poll(world, '--full-resync');
    expect(world.emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('one occurrence of an invited series turns private: the shared calendar leaves it, a busy block of its own shows it; and back', async () => {
    world = await startWorld();
    const series = weeklySeries(world, 'default');
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, series.id ?? ''), SHARED)).toBe(1);
    const occ = occurrenceId(series, 2);
    world.emu.updateEvent(ALICE, occ.id, { visibility: 'private', summary: 'Interview at Acme' });
    world.emu.clearRequestLog();
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, occ.id), SHARED)).toBe(0);
    expect(attendeeCount(world.emu.getEvent(ALICE, series.id ?? ''), SHARED)).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Interview at Acme')).toBe(0);
    expect(JSON.stringify(requestsReachingShared(world))).not.toContain('Interview at Acme');
    const blocks = calsyncEvents(world);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.summary).toBe(`Busy (${ALICE})`);
    expect(Date.parse(blocks[0]?.start?.dateTime ?? '')).toBe(occ.start.getTime());
    expect(blocks[0]?.recurrence ?? []).toEqual([]);
    // Public again: invited again, and its block goes.
    world.emu.updateEvent(ALICE, occ.id, { visibility: 'default' });
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, occ.id), SHARED)).toBe(1);
    expect(calsyncEvents(world)).toEqual([]);
  });
});

describe("a person's removal holds for the meeting", () => {
  it("alice removes the shared calendar from her meeting: bob's copy of it does not bring it back", async () => {
    world = await startWorld({ sources: [ALICE, BOB] });
    const party = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Surprise party planning',
        start: at(3, 18),
        end: at(3, 19),
        attendees: [{ email: BOB, responseStatus: 'accepted' }],
      }),
    );
    await poll(world);
    await poll(world);
    expect(attendeeCount(world.emu.getEvent(ALICE, party.id ?? ''), SHARED)).toBe(1);
    // Alice takes the shared calendar off her meeting.
    const current = world.emu.getEvent(ALICE, party.id ?? '');
    world.emu.updateEvent(ALICE, party.id ?? '', {
      attendees: (current?.attendees ?? []).filter((a) => a.email !== SHARED),
    });
    await poll(world);
    await poll(world);
    expect(countBySummary(world.emu, SHARED, 'Surprise party planning')).toBe(0);
    expect(calsyncEvents(world)).toEqual([]);
    // Bob's copy changes later (a new time): still nothing.
    world.emu.updateEvent(ALICE, party.id ?? '', {
      start: { dateTime: at(3, 20) },
      end: { dateTime: at(3, 21) },
    });
    await poll(world);
    expect(countBySummary(world.emu, SHARED, 'Surprise party planning')).toBe(0);
  });

  it('a busy block a person deleted from the shared calendar is not brought back by another account', async () => {
    world = await startWorld({ sources: [ALICE, BOB] });
    const meeting = world.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Offsite',
        start: at(4, 9),
        end: at(4, 17),
        organizer: CAROL,
        attendees: [CAROL, ALICE],
      }),
      visibility: 'private',
    });
    await poll(world);
    const blocks = calsyncEvents(world);
    expect(blocks).toHaveLength(1);
    // A person deletes the block; the meeting changes, and the next poll sees the deletion.
    world.emu.cancelEvent(SHARED, blocks[0]?.id ?? '');
    world.emu.updateEvent(ALICE, meeting.id ?? '', { start: { dateTime: at(4, 10) } });
    await poll(world);
    // Bob is invited later: his copy of the same meeting (same id, as Google gives every guest) brings nothing back.
    world.emu.seedEvent(BOB, { ...meeting, attendees: [{ email: CAROL }, { email: ALICE }, { email: BOB }] });
    const report = await poll(world);
    expect(report.actions.find((a) => a.calendarId === BOB)).toMatchObject({
      action: 'skip',
      reason: 'deleted from the shared calendar by a person; respected',
    });
    expect(calsyncEvents(world)).toEqual([]);
  });
});

describe('filters and colours', () => {
  it('skipTitles and skipAvailable leave events out; calendarColors colours what is shared', async () => {
    world = await startWorld();
    const base = { organizer: CAROL, attendees: [CAROL, ALICE] };
    world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'THERAPY', start: at(1, 9), end: at(1, 10), ...base }),
    );
    world.emu.seedEvent(ALICE, {
      ...samples.meeting({ summary: 'Maybe lunch', start: at(1, 12), end: at(1, 13), ...base }),
      transparency: 'transparent',
    });
    world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'Planning', start: at(1, 14), end: at(1, 15), ...base }),
    );
    for (const [key, value] of [
      ['skipTitles', '^therapy,^dentist'],
      ['skipAvailable', 'true'],
      ['calendarColors', `${ALICE}=5`],
    ] as const) {
      const res = await world.cli.run(['config', 'set', key, value]);
      expect(res.code, res.stderr).toBe(0);
    }
    const report = await poll(world);
    expect(report.calendars[0]?.filtered).toBe(2);
    expect(calsyncEvents(world).map((e) => [e.summary, e.colorId])).toEqual([['Planning', '5']]);
    expect(report.actions.find((a) => a.summary === 'THERAPY')?.privacyRule).toBe(
      'title matches skipTitles "^therapy"',
    );
    // A title that comes to match later takes its mirror away.
    const planning = world.emu.listEvents(ALICE).find((e) => e.summary === 'Planning');
    world.emu.updateEvent(ALICE, planning?.id ?? '', { summary: 'Dentist' });
    await poll(world);
    expect(calsyncEvents(world)).toEqual([]);
  });

  it('an invalid skipTitles pattern exits 2 naming it, from config set and from config.json', async () => {
    world = await startWorld();
    const set = await world.cli.run(['config', 'set', 'skipTitles', '(unclosed']);
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('"(unclosed"');
    expect(set.stderr).toMatch(/not a valid regular expression/);
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ skipTitles: ['ok', 'bad[('] }));
    const res = await world.cli.run(['poll']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('skipTitles');
    expect(res.stderr).toContain('"bad[("');
  });
});
