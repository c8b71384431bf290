/**
 * A listing that hangs once (a connection a router forgot) while the same
 * host answers other requests is no outage (google/outage.ts): two such
 * listings, side by side, used to be two whole time-outs "in a row" and end
 * the poll with "Google unreachable", though the shared calendar's listing,
 * sent beside them, had been answered. Now each is retried and the poll ends
 * as if nothing happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { SHARED, at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const eventsOf = (calendarId: string) => `/calendar/v3/calendars/${calendarId}/events`;

describe('listings that hang once while Google answers others (built binary)', () => {
  it('are retried: the poll exits 0, shares what they bring, and declares no outage', async () => {
    world = await startWorld({ sources: [ALICE, BOB], env: { CALSYNC_REQUEST_TIMEOUT_MS: '3000' } });
    for (const s of [ALICE, BOB])
      world.emu.seedEvent(s, samples.meeting({ summary: `m ${s}`, start: at(2, 9), end: at(2, 10) }));
    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    const fresh = [ALICE, BOB].map((s) =>
      world!.emu.seedEvent(s, samples.meeting({ summary: `n ${s}`, start: at(3, 9), end: at(3, 10) })),
    );
    world.emu.injectFaults(
      { method: 'GET', pathIncludes: eventsOf(ALICE), hang: true, times: 1 },
      { method: 'GET', pathIncludes: eventsOf(BOB), hang: true, times: 1 },
    );
    const mark = world.emu.requests.length;
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toContain('Google unreachable');
    const since = world.emu.requests.slice(mark);
    const listings = (c: string) => since.filter((r) => r.method === 'GET' && r.path === eventsOf(c));
    // The shared calendar's listing answered while the two hung; each hung one was sent again and answered.
    expect(listings(SHARED).some((r) => r.status === 200)).toBe(true);
    for (const s of [ALICE, BOB]) {
      expect(listings(s).length, s).toBeGreaterThanOrEqual(2);
      expect(listings(s).at(-1)?.status, s).toBe(200);
    }
    const report = JSON.parse(res.stdout) as { exitCode: number; calendars: { error?: string }[] };
    expect(report.exitCode).toBe(0);
    expect(report.calendars.map((c) => c.error)).toEqual([undefined, undefined]);
    // What the hung listings were to bring is shared: the shared calendar is invited to both.
    for (const [i, s] of [ALICE, BOB].entries()) {
      const attendees = world.emu.getEvent(s, fresh[i]?.id ?? '')?.attendees ?? [];
      expect(
        attendees.map((a) => a.email),
        s,
      ).toContain(SHARED);
    }
  }, 60_000);
});
