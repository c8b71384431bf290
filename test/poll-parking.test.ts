/**
 * Issue 16, an event Google always refuses, through the built binary: after
 * a few tries it is parked, the calendar's success moves on, health-check
 * warns about it by name, and it is tried again when its source changes or
 * on `poll --retry-failed`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { PARK_AFTER_TRIES } from '../src/sync/parking.js';
import { SHARED, at, countBySummary, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Report {
  calendars: { failed: number; parked?: number }[];
  actions: { eventId: string; action: string; result: string; reason?: string }[];
}

/** Google refuses every mirror on the shared calendar: the one mirror below fails for good. */
const REFUSE_MIRRORS = {
  method: 'POST',
  pathIncludes: `/calendars/${SHARED}/events`,
  status: 400,
  reason: 'timeRangeEmpty',
};

async function parkedWorld(): Promise<{ w: World; brokenId: string }> {
  const w = await startWorld();
  const broken = w.emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Broken offsite',
      start: at(2, 14),
      end: at(2, 15),
      organizer: 'bob@corp.test',
      attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
    }),
  );
  w.emu.injectFaults(REFUSE_MIRRORS);
  let n = 0;
  for (; n < PARK_AFTER_TRIES - 1; n++) {
    if (n === 1)
      w.emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(1, 9), end: at(1, 10) }));
    const res = await w.cli.run(['poll']);
    expect(res.code, res.stderr).toBe(1);
  }
  const res = await w.cli.run(['poll', '--json']);
  expect(res.code, res.stderr).toBe(0);
  const report = JSON.parse(res.stdout) as Report;
  expect(report.actions.find((a) => a.eventId === broken.id)).toMatchObject({
    action: 'mirror',
    result: 'parked',
  });
  expect(report.calendars[0]).toMatchObject({ failed: 0, parked: 1 });
  expect(res.stderr).toMatch(/parked: Google refused it 3 times \(timeRangeEmpty\)/);
  return { w, brokenId: broken.id ?? '' };
}

const mirrorPosts = (w: World) =>
  w.emu.requests.filter((r) => r.method === 'POST' && r.path === `/calendar/v3/calendars/${SHARED}/events`)
    .length;

describe('an event Google always refuses', () => {
  it('is parked after a few tries: the calendar succeeds, health-check warns by name, it is not tried again unchanged', async () => {
    const { w, brokenId } = await parkedWorld();
    world = w;
    const cal = w.state()?.calendars[ALICE];
    expect(cal?.lastSuccessAt).toBeDefined();
    expect(cal?.lastError).toBeUndefined();
    const health = await w.cli.run(['health-check', '--offline', '--no-alert']);
    expect(health.code, health.stdout).toBe(1);
    expect(health.stdout).toMatch(/CALSYNC WARNING/);
    expect(health.stdout).toContain('"Broken offsite"');
    expect(health.stdout).toContain(`calsync explain ${JSON.stringify(brokenId)}`);
    // Unchanged, it waits: no request for it, and the poll succeeds.
    const posts = mirrorPosts(w);
    const gets = w.emu.requests.filter((r) => r.path.endsWith(`/events/${brokenId}`)).length;
    const again = await w.cli.run(['poll']);
    expect(again.code, again.stderr).toBe(0);
    expect(mirrorPosts(w)).toBe(posts);
    expect(w.emu.requests.filter((r) => r.path.endsWith(`/events/${brokenId}`)).length).toBe(gets);
    // --retry-failed tries it again; Google takes it now, so the warning goes.
    w.emu.clearFaults();
    const retry = await w.cli.run(['poll', '--retry-failed']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(countBySummary(w.emu, SHARED, 'Broken offsite')).toBe(1);
    const ok = await w.cli.run(['health-check', '--offline', '--no-alert']);
    expect(ok.stdout).not.toContain('parked');
  });

  it('is tried again when its source changes: parked again at once while still refused, mirrored once taken', async () => {
    const { w, brokenId } = await parkedWorld();
    world = w;
    w.emu.updateEvent(ALICE, brokenId, { summary: 'Broken offsite (moved)' });
    const posts = mirrorPosts(w);
    const res = await w.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(mirrorPosts(w)).toBe(posts + 1);
    expect((JSON.parse(res.stdout) as Report).actions.find((a) => a.eventId === brokenId)?.result).toBe(
      'parked',
    );
    w.emu.clearFaults();
    w.emu.updateEvent(ALICE, brokenId, { summary: 'Offsite' });
    const fixed = await w.cli.run(['poll']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(countBySummary(w.emu, SHARED, 'Offsite')).toBe(1);
    expect(w.state()?.events[ALICE]?.get(brokenId)?.parked).toBeUndefined();
  });
});
