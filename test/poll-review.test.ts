import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { invitedMarkerKey } from '../src/sync/ownership.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const CAROL = 'carol@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('calsync poll under Google usage limits, outages and shared meetings', () => {
  it('403 quotaExceeded stops writing for that account: the rest is deferred, not hammered, and done next poll', async () => {
    world = await startWorld();
    writeFileSync(
      join(world.cli.dir, 'config.json'),
      JSON.stringify({ quotaUnitsPerSecond: 200, writeConcurrency: 1 }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(
        world.emu.seedEvent(ALICE, samples.meeting({ summary: `Own ${i}`, start: at(1, 8), end: at(1, 9) }))
          .id ?? '',
      );
    world.emu.injectFaults({ method: 'PUT', status: 403, reason: 'quotaExceeded' });
    const first = await world.cli.run(['poll', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { calendars: { deferred: number; failed: number }[] };
    expect(report.calendars[0]?.deferred).toBe(30);
    expect(world.emu.requests.filter((r) => r.method === 'PUT').length).toBe(1);
    expect(first.stderr).toMatch(/Calendar usage limits exceeded/);
    // Not a success for health-check: should the limits last, the age of the last success shows it.
    expect(world.state()?.calendars[ALICE]?.lastSuccessAt).toBeUndefined();
    expect(world.state()?.calendars[ALICE]?.lastError).toBe("30 changes held back by Google's usage limits");
    world.emu.clearFaults();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.state()?.calendars[ALICE]?.lastSuccessAt).toBeDefined();
    expect(world.state()?.calendars[ALICE]?.lastError).toBeUndefined();
    for (const id of ids) expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);
  });

  it('an outage of the shared-calendar check fails the calendar (token kept) and the mirror comes with the next poll', async () => {
    world = await startWorld();
    world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Board',
        start: at(2, 9),
        end: at(2, 10),
        organizer: 'bob@corp.test',
        attendees: ['bob@corp.test', ALICE],
      }),
    );
    world.emu.injectFaults({ pathIncludes: '/calendarList', status: 500, reason: 'backendError' });
    const first = await world.cli.run(['poll']);
    expect(first.code).toBe(1);
    world.emu.clearFaults();
    const second = await world.cli.run(['poll']);
    expect(second.code, second.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Board')).toBe(1);
  });

  it('a meeting two source accounts are invited to gets one mirror, kept until both let go', async () => {
    world = await startWorld({ sources: [ALICE, CAROL] });
    const meeting = world.emu.seedEvent(
      'bob@corp.test',
      samples.meeting({ summary: 'Offsite', start: at(3, 9), end: at(3, 17), attendees: [ALICE, CAROL] }),
    );
    expect(world.emu.getEvent(ALICE, meeting.id ?? '')).toBeDefined();
    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(1);

    const decline = (who: string) => {
      const e = world?.emu.getEvent('bob@corp.test', meeting.id ?? '');
      world?.emu.updateEvent('bob@corp.test', meeting.id ?? '', {
        attendees: (e?.attendees ?? []).map((a) =>
          a.email === who ? { ...a, responseStatus: 'declined' } : a,
        ),
      });
    };
    decline(ALICE);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(1);
    decline(CAROL);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(0);
  });

  it.each([false, true])(
    'a meeting two accounts attend, cancelled by its organizer, leaves no mirror behind (both calendars polled side by side; another change in the same poll: %s)',
    async (another) => {
      world = await startWorld({ sources: [ALICE, CAROL] });
      const meeting = world.emu.seedEvent(
        'bob@corp.test',
        samples.meeting({ summary: 'Offsite', start: at(3, 9), end: at(3, 17), attendees: [ALICE, CAROL] }),
      );
      expect((await world.cli.run(['poll'])).code).toBe(0);
      expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(1);
      world.emu.cancelEvent('bob@corp.test', meeting.id ?? '');
      // A new invitation makes the poll ask whether the shared calendar is writable: an await between planning and recording.
      if (another)
        world.emu.seedEvent(
          'bob@corp.test',
          samples.meeting({ summary: 'New one', start: at(5, 9), end: at(5, 10), attendees: [ALICE] }),
        );
      const next = await world.cli.run(['poll']);
      expect(next.code, next.stderr).toBe(0);
      expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(0);
    },
  );

  it('a dry run shows what the real run does when both accounts let go of a mirror at once: its deletion', async () => {
    world = await startWorld({ sources: [ALICE, CAROL] });
    const meeting = world.emu.seedEvent(
      'bob@corp.test',
      samples.meeting({ summary: 'Offsite', start: at(3, 9), end: at(3, 17), attendees: [ALICE, CAROL] }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.cancelEvent('bob@corp.test', meeting.id ?? '');
    const kinds = (stdout: string) =>
      (JSON.parse(stdout) as { actions: { action: string; result: string }[] }).actions
        .map((a) => `${a.action} ${a.result}`)
        .sort();
    const dry = await world.cli.run(['poll', '--json', '--dry-run']);
    expect(kinds(dry.stdout)).toEqual(['delete-copy planned', 'skip skipped']);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(1);
    const real = await world.cli.run(['poll', '--json']);
    expect(kinds(real.stdout)).toEqual(['delete-copy done', 'skip skipped']);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(0);
  });

  it('an occurrence one of two attending accounts declines stays on the mirror, and goes when the other declines too', async () => {
    world = await startWorld({ sources: [ALICE, CAROL] });
    const start = new Date(at(1, 9));
    const series = world.emu.seedEvent(
      'bob@corp.test',
      samples.meeting({
        summary: 'Weekly',
        start: start.toISOString(),
        end: new Date(start.getTime() + 3_600_000).toISOString(),
        attendees: [ALICE, CAROL],
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
      }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const stamp = new Date(start.getTime() + 7 * 86_400_000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const occurrence = `${series.id ?? ''}_${stamp}`;
    const mirrorOccurrence = () => {
      const mirror = world?.emu.listEvents(SHARED).find((e) => e.summary === 'Weekly');
      return world?.emu
        .listEvents(SHARED, { includeCancelled: true })
        .find((e) => e.id === `${mirror?.id ?? ''}_${stamp}`);
    };
    world.emu.updateEvent(ALICE, occurrence, {
      attendees: [
        { email: ALICE, responseStatus: 'declined' },
        { email: CAROL, responseStatus: 'accepted' },
      ],
    });
    const one = await world.cli.run(['poll']);
    expect(one.code, one.stderr).toBe(0);
    expect(mirrorOccurrence()?.status ?? 'confirmed').toBe('confirmed');

    world.emu.updateEvent(CAROL, occurrence, {
      attendees: [
        { email: ALICE, responseStatus: 'declined' },
        { email: CAROL, responseStatus: 'declined' },
      ],
    });
    const both = await world.cli.run(['poll']);
    expect(both.code, both.stderr).toBe(0);
    expect(mirrorOccurrence()?.status).toBe('cancelled');
  });

  it("a meeting one source account organizes and another attends ends up once on the shared calendar: as the organizer's guest, the mirror let go", async () => {
    world = await startWorld({ sources: [ALICE, CAROL] });
    world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'Planning', start: at(2, 9), end: at(2, 10), attendees: [CAROL] }),
    );
    for (let i = 0; i < 2; i++) expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Planning')).toBe(1);
    expect(
      world.emu.listEvents(SHARED).find((e) => e.summary === 'Planning')?.extendedProperties?.private
        ?.calsyncSource,
    ).toBeUndefined();
  });

  it("a meeting whose organizer (a source account) had the shared calendar removed by a person still reaches it, as the guest account's mirror", async () => {
    world = await startWorld({ sources: [ALICE, CAROL] });
    const meeting = world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'Private-ish', start: at(2, 9), end: at(2, 10), attendees: [CAROL] }),
    );
    // calsync invited the shared calendar once, and a person took it off again: respected on Alice's side.
    world.emu.updateEvent(ALICE, meeting.id ?? '', {
      extendedProperties: { private: { [invitedMarkerKey(SHARED)]: SHARED } },
    });
    for (let i = 0; i < 2; i++) expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Private-ish')).toBe(1);
  });

  it('a mirrored meeting handed to the source account is on the shared calendar after every poll: invited, then the mirror goes, in one poll', async () => {
    world = await startWorld();
    const meeting = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Handover',
        start: at(2, 9),
        end: at(2, 10),
        organizer: 'erin@corp.test',
        attendees: ['erin@corp.test', { email: ALICE, responseStatus: 'accepted' }],
      }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Handover')).toBe(1);
    // Erin hands the meeting over: Alice organizes it now.
    world.emu.changeOrganizer(ALICE, meeting.id ?? '', ALICE);
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Handover')).toBe(1);
    expect(attendeeCount(world.emu.getEvent(ALICE, meeting.id ?? ''), SHARED)).toBe(1);
    expect(world.emu.getEvent(SHARED, meeting.id ?? '')?.summary).toBe('Handover');
    // Settled: the next poll has nothing to do.
    const writes = world.writes();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.writes()).toBe(writes);
    expect(countBySummary(world.emu, SHARED, 'Handover')).toBe(1);
  });
});
