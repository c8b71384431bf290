/**
 * Issue 23's "in any sequence of edits", through the built binary: the
 * sequences a privacy review found leaking (a write that failed halfway, a
 * stale pointer into a series block, a series that changed form while one of
 * its occurrences kept its own details), each settled with no private detail
 * left on the shared calendar and a block where the person is busy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples, type GoogleEvent } from '../src/emulator/index.js';
import { MARKER } from '../src/sync/types.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const CAROL = 'carol@corp.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A poll that must succeed: its exit code and stderr on failure. */
async function poll(w: World, ...args: string[]): Promise<void> {
  const res = await w.cli.run(['poll', ...args]);
  expect(res.code, res.stderr).toBe(0);
}

/** Everything live on the shared calendar, as text: no private detail may be in it. */
const sharedText = (w: World): string => JSON.stringify(w.emu.listEvents(SHARED));
const blocks = (w: World): GoogleEvent[] =>
  w.emu.listEvents(SHARED).filter((e) => e.extendedProperties?.private?.[MARKER.rule] === 'busy');
const stamp = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const weekLater = (iso: string, n: number): string =>
  new Date(Date.parse(iso) + n * 7 * 86_400_000).toISOString();

function weekly(w: World, organizer?: string): GoogleEvent {
  return w.emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Weekly sync',
      start: at(1, 9),
      end: at(1, 10),
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      ...(organizer
        ? { organizer, attendees: [organizer, { email: ALICE, responseStatus: 'accepted' }] }
        : { attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }] }),
    }),
  );
}

describe('sequences that must not leak', () => {
  it('public again while the block cannot be deleted, then private again: the invitee goes', async () => {
    world = await startWorld();
    const w = world;
    const e = w.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Plans',
        start: at(1, 9),
        end: at(1, 10),
        attendees: ['jo@example.test'],
      }),
      visibility: 'private',
    });
    await poll(w);
    expect(blocks(w)).toHaveLength(1);
    w.emu.updateEvent(ALICE, e.id ?? '', { visibility: 'default' });
    // The invitation goes out; deleting the block it replaces fails for this whole poll.
    w.emu.injectFaults({
      method: 'DELETE',
      pathIncludes: `/calendars/${SHARED}/events/`,
      status: 500,
      reason: 'backendError',
    });
    const faulted = await w.cli.run(['poll']);
    expect(faulted.code).toBe(1);
    expect(attendeeCount(w.emu.getEvent(ALICE, e.id ?? ''), SHARED)).toBe(1);
    w.emu.clearFaults();
    w.emu.updateEvent(ALICE, e.id ?? '', { visibility: 'private', description: 'P-SECRET' });
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, e.id ?? ''), SHARED)).toBe(0);
    expect(sharedText(w)).not.toContain('P-SECRET');
    expect(blocks(w)).toHaveLength(1);
  });

  it('an occurrence edited while its series was busy, the calendar back to full, then the occurrence confidential', async () => {
    world = await startWorld();
    const w = world;
    const series = weekly(w);
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 1))}`;
    await poll(w);
    expect((await w.cli.run(['config', 'set', 'calendarDetails', `${ALICE}=busy`])).code).toBe(0);
    await poll(w, '--full-resync');
    w.emu.updateEvent(ALICE, occ, { description: 'just a note' });
    await poll(w);
    expect((await w.cli.run(['config', 'set', 'calendarDetails', `${ALICE}=full`])).code).toBe(0);
    // The series is invited again and its block goes; the occurrence's pointer into that block goes too.
    await poll(w, '--full-resync');
    w.emu.updateEvent(ALICE, occ, {
      visibility: 'confidential',
      description: 'OCC-SECRET',
      location: 'OCC-PLACE',
    });
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, occ), SHARED)).toBe(0);
    expect(attendeeCount(w.emu.getEvent(ALICE, series.id ?? ''), SHARED)).toBe(1);
    expect(sharedText(w)).not.toContain('OCC-SECRET');
    expect(sharedText(w)).not.toContain('OCC-PLACE');
    expect(blocks(w).map((b) => b.recurrence ?? [])).toEqual([[]]);
  });

  it('a private occurrence of an own series before the first poll: the series is invited, the occurrence a block', async () => {
    world = await startWorld();
    const w = world;
    const series = weekly(w);
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 1))}`;
    w.emu.updateEvent(ALICE, occ, { visibility: 'private', description: 'A-SECRET' });
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, series.id ?? ''), SHARED)).toBe(1);
    expect(attendeeCount(w.emu.getEvent(ALICE, occ), SHARED)).toBe(0);
    expect(sharedText(w)).not.toContain('A-SECRET');
    expect(blocks(w)).toHaveLength(1);
  });

  it('a mirrored series turns private: its changed occurrence shows busy in the same poll, not its title', async () => {
    world = await startWorld();
    const w = world;
    const series = weekly(w, CAROL);
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 1))}`;
    await poll(w);
    w.emu.updateEvent(ALICE, occ, { summary: 'Weekly sync (budget)', description: 'D-OCC-DETAIL' });
    await poll(w);
    expect(sharedText(w)).toContain('D-OCC-DETAIL');
    w.emu.updateEvent(ALICE, series.id ?? '', { visibility: 'private' });
    await poll(w);
    expect(sharedText(w)).not.toContain('D-OCC-DETAIL');
    expect(sharedText(w)).not.toContain('Weekly sync');
    // Settled: the next poll writes nothing.
    w.emu.clearRequestLog();
    await poll(w);
    expect(w.writes()).toBe(0);
  });

  it('a private series with a moved occurrence made public: the series is invited, the moved occurrence keeps a block', async () => {
    world = await startWorld();
    const w = world;
    const series = w.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Weekly sync',
        start: at(1, 9),
        end: at(1, 10),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
        attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
      }),
      visibility: 'private',
    });
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 1))}`;
    const moved = weekLater(at(1, 11), 1);
    await poll(w);
    w.emu.updateEvent(ALICE, occ, {
      start: { dateTime: moved },
      end: { dateTime: weekLater(at(1, 12), 1) },
      description: 'C-OCC-SECRET',
    });
    await poll(w);
    // The series turns public; its moved occurrence (an exception of its own) stays private.
    w.emu.updateEvent(ALICE, series.id ?? '', { visibility: 'default' });
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, series.id ?? ''), SHARED)).toBe(1);
    expect(attendeeCount(w.emu.getEvent(ALICE, occ), SHARED)).toBe(0);
    expect(sharedText(w)).not.toContain('C-OCC-SECRET');
    const [block] = blocks(w);
    expect(Date.parse(block?.start?.dateTime ?? '')).toBe(Date.parse(moved));
    // Not mistaken for a block a person deleted: still there after a full resync.
    await poll(w, '--full-resync');
    expect(blocks(w)).toHaveLength(1);
  });

  it('two source accounts in one meeting, private, public, private: no mirror beside the invitation, a block at the end', async () => {
    world = await startWorld({ sources: [ALICE, BOB] });
    const w = world;
    const e = w.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Plan',
        start: at(2, 9),
        end: at(2, 10),
        attendees: [{ email: BOB, responseStatus: 'accepted' }],
      }),
    );
    await poll(w);
    await poll(w);
    w.emu.updateEvent(ALICE, e.id ?? '', { visibility: 'private', description: 'T-SECRET' });
    await poll(w);
    await poll(w);
    expect(blocks(w)).toHaveLength(1);
    w.emu.updateEvent(ALICE, e.id ?? '', { visibility: 'default' });
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, e.id ?? ''), SHARED)).toBe(1);
    const calsyncMade = w.emu
      .listEvents(SHARED)
      .filter((x) => x.extendedProperties?.private?.[MARKER.source]);
    expect(calsyncMade).toEqual([]);
    w.emu.updateEvent(ALICE, e.id ?? '', { visibility: 'confidential', description: 'T-SECRET-2' });
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, e.id ?? ''), SHARED)).toBe(0);
    expect(sharedText(w)).not.toContain('T-SECRET-2');
    expect(blocks(w)).toHaveLength(1);
  });

  it('turns private while the source cannot be written for a whole poll: the invitee goes and the block comes after', async () => {
    world = await startWorld();
    const w = world;
    const e = w.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'Plans', start: at(1, 9), end: at(1, 10), attendees: ['jo@example.test'] }),
    );
    await poll(w);
    w.emu.updateEvent(ALICE, e.id ?? '', { visibility: 'private', description: 'U-SECRET' });
    // The block's insert is announced in the state before the write; the invitee's removal then fails.
    w.emu.injectFaults({
      method: 'PUT',
      pathIncludes: `/calendars/${ALICE}/events`,
      status: 500,
      reason: 'backendError',
      times: 50,
    });
    expect((await w.cli.run(['poll'])).code).toBe(1);
    w.emu.clearFaults();
    await poll(w);
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, e.id ?? ''), SHARED)).toBe(0);
    expect(sharedText(w)).not.toContain('U-SECRET');
    expect(blocks(w)).toHaveLength(1);
  });

  it("an occurrence public on its own in a private series: its series' title is in no output", async () => {
    world = await startWorld();
    const w = world;
    const series = w.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Counselling',
        start: at(1, 9),
        end: at(1, 10),
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      }),
      visibility: 'private',
    });
    await poll(w);
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 1))}`;
    w.emu.updateEvent(ALICE, occ, { visibility: 'public', location: 'Room 2' });
    for (const args of [['--dry-run'], ['--dry-run', '--json'], ['--json'], []]) {
      const res = await w.cli.run(['poll', ...args]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout + res.stderr).not.toContain('Counselling');
    }
    expect(sharedText(w)).not.toContain('Counselling');
  });

  it('a series mirror a person deleted: a later change of one occurrence writes nothing and fails nothing', async () => {
    world = await startWorld();
    const w = world;
    const series = weekly(w, CAROL);
    await poll(w);
    const [mirror] = w.emu.listEvents(SHARED);
    w.emu.cancelEvent(SHARED, mirror?.id ?? '');
    await poll(w);
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 1))}`;
    w.emu.updateEvent(ALICE, occ, { start: { dateTime: at(1, 11) }, end: { dateTime: at(1, 12) } });
    w.emu.clearRequestLog();
    await poll(w);
    await poll(w);
    expect(w.writes()).toBe(0);
    expect(w.emu.listEvents(SHARED)).toEqual([]);
  });

  it('an invited own series with a moved occurrence turns private: the occurrence leaves the shared calendar in the same poll', async () => {
    world = await startWorld();
    const w = world;
    const series = weekly(w);
    const occ = `${series.id ?? ''}_${stamp(weekLater(at(1, 9), 2))}`;
    const moved = weekLater(at(1, 14), 2);
    await poll(w);
    w.emu.updateEvent(ALICE, occ, { start: { dateTime: moved }, end: { dateTime: weekLater(at(1, 15), 2) } });
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, occ), SHARED)).toBe(1);
    // The series turns private; its moved occurrence keeps its own guests (Google need not carry the change).
    w.emu.updateEvent(ALICE, series.id ?? '', { visibility: 'private' });
    await poll(w);
    expect(attendeeCount(w.emu.getEvent(ALICE, occ), SHARED)).toBe(0);
    expect(w.emu.listEvents(SHARED).filter((e) => e.summary === 'Weekly sync')).toEqual([]);
    // The next poll shows it busy at its moved time.
    await poll(w);
    const [block] = blocks(w);
    const shown = w.emu.getEvent(SHARED, `${block?.id ?? ''}_${occ.split('_')[1] ?? ''}`);
    expect(shown?.summary).toMatch(/^Busy/);
    expect(Date.parse(shown?.start?.dateTime ?? '')).toBe(Date.parse(moved));
  });

  it('a private meeting the account declined is no busy time', async () => {
    world = await startWorld();
    const w = world;
    w.emu.seedEvent(ALICE, {
      ...samples.meeting({
        summary: 'Declined private',
        start: at(1, 9),
        end: at(1, 10),
        organizer: CAROL,
        attendees: [CAROL, { email: ALICE, responseStatus: 'declined' }],
      }),
      visibility: 'private',
    });
    await poll(w);
    expect(blocks(w)).toEqual([]);
  });
});
