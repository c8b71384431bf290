import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { copyEventId } from '../src/sync/ids.js';
import { SHARED, at, attendeeCount, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** One event of every kind calsync handles, on Alice's calendar. */
function seedEveryKind(w: World) {
  const { emu } = w;
  const birthday = emu.seedEvent(
    ALICE,
    samples.birthdayEvent({ summary: 'Ann', date: at(3, 0).slice(0, 10) }),
  );
  const flight = emu.seedEvent(
    ALICE,
    samples.gmailEvent({ summary: 'Flight BA 117', start: at(4, 8), end: at(4, 16), location: 'LHR' }),
  );
  const own = emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Dentist',
      start: at(1, 9),
      end: at(1, 10),
      attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
    }),
  );
  const others = emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Board meeting',
      start: at(2, 14),
      end: at(2, 15),
      organizer: 'bob@corp.test',
      attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
    }),
  );
  const focus = emu.seedEvent(ALICE, samples.focusTimeEvent({ start: at(1, 13), end: at(1, 15) }));
  return { birthday, flight, own, others, focus };
}

describe('calsync poll against the emulator (built binary)', () => {
  it('applies every rule: birthday copy, Gmail copy, invite, mirror; skips focus time', async () => {
    world = await startWorld();
    const seeded = seedEveryKind(world);
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as {
      actions: { action: string; result: string; eventId: string }[];
    };
    const kinds = Object.fromEntries(report.actions.map((a) => [a.eventId, `${a.action}:${a.result}`]));
    expect(kinds[seeded.birthday.id ?? '']).toBe('copy-birthday:done');
    expect(kinds[seeded.flight.id ?? '']).toBe('copy-gmail:done');
    expect(kinds[seeded.own.id ?? '']).toBe('invite:done');
    expect(kinds[seeded.others.id ?? '']).toBe('mirror:done');
    expect(kinds[seeded.focus.id ?? '']).toBe('skip:skipped');

    const bdayCopy = world.emu.getEvent(
      ALICE,
      copyEventId(SHARED, ALICE, seeded.birthday.id ?? '', 'birthday'),
    );
    expect(bdayCopy?.summary).toBe('Ann');
    expect(attendeeCount(bdayCopy, SHARED)).toBe(1);
    const flightCopy = world.emu.getEvent(ALICE, copyEventId(SHARED, ALICE, seeded.flight.id ?? '', 'gmail'));
    expect(flightCopy?.location).toBe('LHR');
    expect(attendeeCount(flightCopy, SHARED)).toBe(1);
    expect(world.emu.getEvent(ALICE, seeded.flight.id ?? '')?.status).not.toBe('cancelled');
    const dentist = world.emu.getEvent(ALICE, seeded.own.id ?? '');
    expect(attendeeCount(dentist, SHARED)).toBe(1);
    // The existing guest and their answer are kept.
    expect(dentist?.attendees?.find((a) => a.email === 'jo@example.test')?.responseStatus).toBe('accepted');
    const mirror = world.emu.getEvent(SHARED, copyEventId(SHARED, ALICE, seeded.others.id ?? '', 'mirror'));
    expect(mirror?.summary).toBe('Board meeting');
    // Bob's meeting itself is never edited.
    expect(attendeeCount(world.emu.getEvent(ALICE, seeded.others.id ?? ''), SHARED)).toBe(0);
    expect(world.emu.getEvent(ALICE, seeded.focus.id ?? '')?.attendees ?? []).toHaveLength(0);
  });

  it('a second poll makes zero writes, and an idle poll makes exactly one list call per calendar', async () => {
    world = await startWorld({ sources: [ALICE, 'carol@example.test'] });
    seedEveryKind(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.writes()).toBe(0);
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.calendarRequests()).toBe(2);
    expect(world.listCalls()).toBe(2);
  });

  it('copies follow their source: a moved flight moves its copy, a cancelled meeting loses its mirror', async () => {
    world = await startWorld();
    const seeded = seedEveryKind(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.updateEvent(ALICE, seeded.flight.id ?? '', {
      start: { dateTime: at(4, 10) },
      end: { dateTime: at(4, 18) },
    });
    world.emu.cancelEvent(ALICE, seeded.others.id ?? '');
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    const copy = world.emu.getEvent(ALICE, copyEventId(SHARED, ALICE, seeded.flight.id ?? '', 'gmail'));
    expect(new Date(copy?.start?.dateTime ?? '').toISOString()).toBe(at(4, 10));
    const mirror = world.emu.getEvent(SHARED, copyEventId(SHARED, ALICE, seeded.others.id ?? '', 'mirror'));
    expect(mirror?.status).toBe('cancelled');
  });

  it('deleting the state file, then polling, creates no duplicate', async () => {
    world = await startWorld();
    const seeded = seedEveryKind(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    rmSync(join(world.cli.dir, 'state.json'));
    const res = await world.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(0);
    expect(countBySummary(world.emu, ALICE, 'Ann')).toBe(2); // the birthday and its one copy
    expect(countBySummary(world.emu, ALICE, 'Flight BA 117')).toBe(2);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(1);
    expect(attendeeCount(world.emu.getEvent(ALICE, seeded.own.id ?? ''), SHARED)).toBe(1);
  });

  it('a 410 from Google (sync token expired) resyncs without duplicates', async () => {
    world = await startWorld();
    const seeded = seedEveryKind(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.invalidateSyncTokens();
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as { calendars: { fullSync: boolean }[] }).calendars[0]?.fullSync).toBe(
      true,
    );
    expect(countBySummary(world.emu, ALICE, 'Ann')).toBe(2);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(1);
    expect(attendeeCount(world.emu.getEvent(ALICE, seeded.own.id ?? ''), SHARED)).toBe(1);
  });

  it('a person who removes the invitee keeps it removed', async () => {
    world = await startWorld();
    const seeded = seedEveryKind(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const dentist = world.emu.getEvent(ALICE, seeded.own.id ?? '');
    world.emu.updateEvent(ALICE, seeded.own.id ?? '', {
      attendees: (dentist?.attendees ?? []).filter((a) => a.email !== SHARED),
    });
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(attendeeCount(world.emu.getEvent(ALICE, seeded.own.id ?? ''), SHARED)).toBe(0);
  });

  it('--dry-run prints the plan and leaves Google and the state untouched', async () => {
    world = await startWorld();
    seedEveryKind(world);
    const res = await world.cli.run(['poll', '--dry-run']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/copy-birthday/);
    expect(res.stdout).toMatch(/dry run/);
    expect(world.writes()).toBe(0);
    expect(world.state()).toBeUndefined();
  });

  it('an event that always gets 400 fails alone: exit 1, everything else done, retried next poll', async () => {
    world = await startWorld();
    const seeded = seedEveryKind(world);
    world.emu.injectFaults({
      pathIncludes: `/events/${seeded.own.id ?? ''}`,
      method: 'PUT',
      status: 400,
      reason: 'invalid',
    });
    const res = await world.cli.run(['poll']);
    expect(res.code).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Board meeting')).toBe(1);
    expect(world.state()?.events[ALICE]?.get(seeded.own.id ?? '')?.failure?.reason).toBe('invalid');
    world.emu.clearFaults();
    const again = await world.cli.run(['poll']);
    expect(again.code, again.stderr).toBe(0);
    expect(attendeeCount(world.emu.getEvent(ALICE, seeded.own.id ?? ''), SHARED)).toBe(1);
    expect(world.state()?.events[ALICE]?.get(seeded.own.id ?? '')?.failure).toBeUndefined();
  });

  it('a fault storm (30% 429/503/403 rate limits with Retry-After) finishes within two polls with nothing lost', async () => {
    world = await startWorld();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++)
      ids.push(
        world.emu.seedEvent(
          ALICE,
          samples.meeting({ summary: `Own ${i}`, start: at(1 + (i % 5), 8), end: at(1 + (i % 5), 9) }),
        ).id ?? '',
      );
    for (let i = 0; i < 10; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({
          summary: `Other ${i}`,
          start: at(2, 10),
          end: at(2, 11),
          organizer: 'bob@corp.test',
          attendees: ['bob@corp.test', ALICE],
        }),
      );
    world.emu.injectFaults(
      {
        pathIncludes: '/calendar/v3/',
        probability: 0.1,
        status: 429,
        reason: 'rateLimitExceeded',
        retryAfterSeconds: 1,
      },
      { pathIncludes: '/calendar/v3/', probability: 0.1, status: 503, reason: 'backendError' },
      {
        pathIncludes: '/calendar/v3/',
        probability: 0.1,
        status: 403,
        reason: 'userRateLimitExceeded',
        retryAfterSeconds: 1,
      },
    );
    const first = await world.cli.run(['poll']);
    if (first.code !== 0) await world.cli.run(['poll']);
    world.emu.clearFaults();
    for (const id of ids) expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);
    for (let i = 0; i < 10; i++) expect(countBySummary(world.emu, SHARED, `Other ${i}`)).toBe(1);
  });

  it('two polls at once create no duplicate (the second waits for the lock)', async () => {
    world = await startWorld();
    for (let i = 0; i < 20; i++)
      world.emu.seedEvent(
        ALICE,
        samples.gmailEvent({ summary: `Trip ${i}`, start: at(3, 8), end: at(3, 9) }),
      );
    const [a, b] = await Promise.all([world.cli.run(['poll']), world.cli.run(['poll'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (let i = 0; i < 20; i++) expect(countBySummary(world.emu, ALICE, `Trip ${i}`)).toBe(2);
  });

  it('a revoked account fails alone with the command that fixes it; the other account is still synced', async () => {
    world = await startWorld({ sources: [ALICE, 'carol@example.test'] });
    world.emu.seedEvent(ALICE, samples.gmailEvent({ summary: 'Alice trip', start: at(3, 8), end: at(3, 9) }));
    world.emu.seedEvent(
      'carol@example.test',
      samples.gmailEvent({ summary: 'Carol trip', start: at(3, 8), end: at(3, 9) }),
    );
    world.emu.revokeRefreshTokens('carol@example.test');
    const res = await world.cli.run(['poll']);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toMatch(/calsync auth carol@example\.test/);
    expect(countBySummary(world.emu, ALICE, 'Alice trip')).toBe(2);
    expect(world.state()?.accounts['carol@example.test']?.needsAuth).toBeDefined();
  });

  it('writes stop at maxWritesPerPoll and the rest waits for the next poll', async () => {
    world = await startWorld();
    for (let i = 0; i < 12; i++)
      world.emu.seedEvent(
        ALICE,
        samples.gmailEvent({ summary: `Trip ${i}`, start: at(3, 8), end: at(3, 9) }),
      );
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ maxWritesPerPoll: 5 }));
    const first = await world.cli.run(['poll', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { writes: number; calendars: { deferred: number }[] };
    expect(report.writes).toBe(5);
    expect(report.calendars[0]?.deferred).toBe(7);
    world.emu.clearRequestLog();
    await world.cli.run(['poll']);
    // What waited is fetched again by id, but no more than one poll can write.
    expect(
      world.emu.requests.filter((r) => r.method === 'GET' && /\/events\/[^/]+$/.test(r.path)),
    ).toHaveLength(5);
    await world.cli.run(['poll']);
    for (let i = 0; i < 12; i++) expect(countBySummary(world.emu, ALICE, `Trip ${i}`)).toBe(2);
  });

  it('copies follow a source that turns all-day and back (patches clear the other form of time, as Google needs)', async () => {
    world = await startWorld();
    const meeting = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Offsite',
        start: at(4, 9),
        end: at(4, 17),
        organizer: 'bob@corp.test',
        attendees: ['bob@corp.test', ALICE],
      }),
    );
    const flight = world.emu.seedEvent(
      ALICE,
      samples.gmailEvent({ summary: 'Flight', start: at(5, 8), end: at(5, 10) }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const day = at(4, 0).slice(0, 10);
    const next = at(5, 0).slice(0, 10);
    world.emu.updateEvent(ALICE, meeting.id ?? '', { start: { date: day }, end: { date: next } });
    world.emu.updateEvent(ALICE, flight.id ?? '', {
      start: { date: next },
      end: { date: at(6, 0).slice(0, 10) },
    });
    const allDay = await world.cli.run(['poll']);
    expect(allDay.code, allDay.stderr).toBe(0);
    const mirror = () => world?.emu.listEvents(SHARED).find((e) => e.summary === 'Offsite');
    const copy = () => world?.emu.listEvents(ALICE).find((e) => e.summary === 'Flight' && e.id !== flight.id);
    expect([mirror()?.start, mirror()?.end]).toEqual([{ date: day }, { date: next }]);
    expect(copy()?.start).toEqual({ date: next });

    world.emu.updateEvent(ALICE, meeting.id ?? '', {
      start: { dateTime: at(4, 10) },
      end: { dateTime: at(4, 11) },
    });
    const timedAgain = await world.cli.run(['poll']);
    expect(timedAgain.code, timedAgain.stderr).toBe(0);
    expect(mirror()?.start?.dateTime).toBe(at(4, 10));
    expect(mirror()?.start?.date).toBeUndefined();
  });

  it('after a 410 while changes wait, the next poll lists once with the fresh token (no 410 again)', async () => {
    world = await startWorld();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    for (let i = 0; i < 6; i++)
      world.emu.seedEvent(
        ALICE,
        samples.gmailEvent({ summary: `Trip ${i}`, start: at(3, 8), end: at(3, 9) }),
      );
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ maxWritesPerPoll: 2 }));
    world.emu.invalidateSyncTokens();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(
      world.emu.requests
        .filter((r) => r.path.endsWith(`/calendars/${ALICE}/events`) && r.method === 'GET')
        .map((r) => r.status),
    ).toEqual([200]);
  });

  it('an action dearer than the whole write budget runs alone instead of waiting for ever', async () => {
    world = await startWorld();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(world.cli.dir, 'config.json'),
      JSON.stringify({ maxWritesPerPoll: 1, gmailOriginal: 'delete' }),
    );
    const flight = world.emu.seedEvent(
      ALICE,
      samples.gmailEvent({ summary: 'Flight', start: at(3, 8), end: at(3, 9) }),
    );
    const r = await world.cli.run(['poll', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { writes: number }).writes).toBe(2);
    expect(world.emu.getEvent(ALICE, flight.id ?? '')?.status).toBe('cancelled');
    expect(countBySummary(world.emu, ALICE, 'Flight')).toBe(1);
  });

  it('while a first sync waits on the write budget, a copied event moved into the past (out of the listing window) is still followed', async () => {
    world = await startWorld();
    const trips = Array.from({ length: 8 }, (_, i) =>
      world?.emu.seedEvent(
        ALICE,
        samples.gmailEvent({ summary: `Trip ${i}`, start: at(3, 8), end: at(3, 9) }),
      ),
    );
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ maxWritesPerPoll: 3 }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const first = trips[0];
    world.emu.updateEvent(ALICE, first?.id ?? '', {
      start: { dateTime: at(-10, 8) },
      end: { dateTime: at(-10, 9) },
    });
    for (let i = 0; i < 3; i++) expect((await world.cli.run(['poll'])).code).toBe(0);
    const copy = world.emu.listEvents(ALICE).find((e) => e.summary === 'Trip 0' && e.id !== first?.id);
    expect(copy?.start?.dateTime).toBe(at(-10, 8));
  });

  it('a dry run on a corrupt state file changes nothing: the file stays, and it says the next poll repairs it', async () => {
    world = await startWorld();
    const { readdirSync, writeFileSync } = await import('node:fs');
    writeFileSync(join(world.cli.dir, 'state.json'), '{ not json', { mode: 0o600 });
    const dry = await world.cli.run(['poll', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/is corrupt \(not valid JSON\); the next poll moves it aside/);
    expect(readdirSync(world.cli.dir).filter((n) => n.startsWith('state.json'))).toEqual(['state.json']);
    expect(world.writes()).toBe(0);
  });

  it('a moved occurrence waits with its series when the write budget is used up, and follows the mirror next poll', async () => {
    world = await startWorld();
    for (let i = 0; i < 3; i++)
      world.emu.seedEvent(
        ALICE,
        samples.gmailEvent({ summary: `Trip ${i}`, start: at(3, 8), end: at(3, 9) }),
      );
    const start = new Date(at(1, 9));
    const series = world.emu.seedEvent(
      ALICE,
      samples.meeting({
        summary: 'Weekly',
        start: start.toISOString(),
        end: new Date(start.getTime() + 1_800_000).toISOString(),
        organizer: 'bob@corp.test',
        attendees: ['bob@corp.test', ALICE],
        recurrence: ['RRULE:FREQ=WEEKLY'],
      }),
    );
    const next = new Date(start.getTime() + 7 * 86_400_000);
    const occurrence = `${series.id ?? ''}_${next
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')}`;
    world.emu.updateEvent(ALICE, occurrence, {
      summary: 'Weekly (moved)',
      start: { dateTime: new Date(next.getTime() + 3_600_000).toISOString() },
      end: { dateTime: new Date(next.getTime() + 5_400_000).toISOString() },
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ maxWritesPerPoll: 3 }));

    const first = await world.cli.run(['poll', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as {
      calendars: { deferred: number; failed: number }[];
      actions: { action: string; result: string; reason?: string }[];
    };
    expect(report.calendars[0]).toMatchObject({ failed: 0, deferred: 2 });
    expect(report.actions.find((a) => a.action === 'update-occurrence')).toMatchObject({
      result: 'deferred',
    });

    const second = await world.cli.run(['poll']);
    expect(second.code, second.stderr).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Weekly')).toBe(1);
    expect(countBySummary(world.emu, SHARED, 'Weekly (moved)')).toBe(1);
  });
});
