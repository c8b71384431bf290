/**
 * Issue 16, broken answers, through the built binary: a 200 that is not JSON,
 * listings of the wrong shape and listings that never end fail the calendar
 * (keeping its sync token, recording no success); one malformed item is
 * skipped with its reason and the rest is synced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Report {
  calendars: { calendarId: string; error?: string; changes: number; skipped: number }[];
  actions: { eventId: string; action: string; result: string; reason?: string }[];
}

const own = (summary: string, day: number) =>
  samples.meeting({ summary, start: at(day, 9), end: at(day, 10) });

/** A first poll that succeeds, so the calendar has a sync token and a success to keep. */
async function syncedWorld(): Promise<World> {
  const w = await startWorld();
  w.emu.seedEvent(ALICE, own('Dentist', 1));
  const first = await w.cli.run(['poll']);
  expect(first.code, first.stderr).toBe(0);
  return w;
}

async function failsKeepingToken(w: World, expected: RegExp): Promise<void> {
  const before = w.state()?.calendars[ALICE];
  w.emu.seedEvent(ALICE, own('Later', 2));
  const res = await w.cli.run(['poll', '--json']);
  expect(res.code, res.stderr).toBe(1);
  const report = JSON.parse(res.stdout) as Report;
  expect(report.calendars[0]?.error).toMatch(expected);
  expect(report.calendars[0]?.error).toContain(ALICE);
  expect(report.actions.filter((a) => a.result === 'done')).toEqual([]);
  const after = w.state()?.calendars[ALICE];
  expect(after?.syncToken).toBe(before?.syncToken);
  expect(after?.lastSuccessAt).toBe(before?.lastSuccessAt);
  expect(after?.lastError).toMatch(expected);
}

describe('answers that are not what calsync asked for', () => {
  it('fails the calendar on a 200 HTML page (captive portal): keeps the sync token, records no success', async () => {
    world = await syncedWorld();
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      rawBody: '<html><body>Hotel Wi-Fi: sign in</body></html>',
    });
    await failsKeepingToken(world, /is not JSON/);
  });

  it('fails the calendar on cut-off JSON', async () => {
    world = await syncedWorld();
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      rawBody: '{"kind":"calendar#events","items":[{"id":"x1",',
      contentType: 'application/json; charset=UTF-8',
    });
    await failsKeepingToken(world, /is not JSON/);
  });

  it('fails the calendar, with one clear error naming it, when items is not a list (and sends no write)', async () => {
    world = await syncedWorld();
    const writes = world.writes();
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      json: { kind: 'calendar#events', items: 'xxxxxxxxxx', nextSyncToken: 'bogus' },
    });
    await failsKeepingToken(world, /"items" is string, not a list/);
    expect(world.writes()).toBe(writes);
  });

  it('fails the calendar when the answer is no listing at all', async () => {
    world = await syncedWorld();
    world.emu.injectFaults({ method: 'GET', pathIncludes: '/events', json: { kind: 'calendar#events' } });
    await failsKeepingToken(world, /neither a nextPageToken nor a nextSyncToken/);
  });

  it('skips a null item and an item without id with their reasons, and syncs the rest', async () => {
    world = await startWorld();
    const good = own('Dentist', 1);
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      times: 1,
      json: {
        kind: 'calendar#events',
        items: [
          null,
          { summary: 'no id' },
          { ...good, id: 'good1', organizer: { email: ALICE, self: true } },
        ],
        nextSyncToken: 'will-be-refused',
      },
    });
    world.emu.seedEvent(ALICE, { ...good, id: 'good1' });
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    const reasons = report.actions
      .filter((a) => a.result === 'skipped')
      .map((a) => `${a.eventId}: ${a.reason}`);
    expect(reasons).toEqual([
      '#0: malformed item from Google: the item is null, not an event',
      '#1: malformed item from Google: the event has no id',
    ]);
    expect(report.actions.find((a) => a.eventId === 'good1')).toMatchObject({
      action: 'invite',
      result: 'done',
    });
    expect(res.stderr).toContain('skipped listed item #0');
  });
});

describe('event answers', () => {
  it('fails the one event whose read answers HTML, and sends no update that would drop its guests', async () => {
    world = await startWorld();
    const dentist = world.emu.seedEvent(ALICE, {
      ...own('Dentist', 1),
      attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
    });
    // The invite's conditional update finds the event changed (412), so it reads it again: that read answers HTML.
    world.emu.injectFaults(
      {
        method: 'PUT',
        pathIncludes: `/events/${dentist.id ?? ''}`,
        status: 412,
        reason: 'conditionNotMet',
        times: 1,
      },
      { method: 'GET', pathIncludes: `/events/${dentist.id ?? ''}`, rawBody: '<html>proxy error</html>' },
    );
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.actions.find((a) => a.eventId === dentist.id)).toMatchObject({ result: 'failed' });
    expect(report.actions.find((a) => a.eventId === dentist.id)?.reason).toMatch(/^brokenAnswer: .*not JSON/);
    // Only the refused update went out: nothing written from a broken read.
    expect(world.writes()).toBe(1);
    expect(world.emu.getEvent(ALICE, dentist.id ?? '')?.attendees?.map((a) => a.email)).toEqual([
      'jo@example.test',
    ]);
  });
});

describe('a listing that never ends', () => {
  it('fails the calendar at a repeated page token, keeps the sync token and releases the lock', async () => {
    world = await syncedWorld();
    world.emu.injectFaults({ method: 'GET', pathIncludes: '/events', endlessPages: 'repeat' });
    await failsKeepingToken(world, /does not end: Google gave a page token it gave before/);
    world.emu.clearFaults();
    // The lock was released: the next poll runs and succeeds.
    const next = await world.cli.run(['poll']);
    expect(next.code, next.stderr).toBe(0);
  });

  it('fails the calendar past maxListPages when every page token is new', async () => {
    world = await startWorld({ env: {} });
    world.emu.seedEvent(ALICE, own('Dentist', 1));
    expect((await world.cli.run(['config', 'set', 'maxListPages', '5'])).code).toBe(0);
    world.emu.injectFaults({ method: 'GET', pathIncludes: '/events', endlessPages: 'fresh' });
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.calendars[0]?.error).toMatch(/passed 5 pages \(maxListPages\)/);
    expect(world.listCalls()).toBe(5);
    expect(world.state()?.calendars[ALICE]?.lastSuccessAt).toBeUndefined();
    expect(world.state()?.calendars[ALICE]?.syncToken).toBeUndefined();
  });
});
