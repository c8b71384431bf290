/**
 * One of Google's two hosts unreachable while the other answers: the API host
 * a black hole with the token host fine (the common case: one front end
 * hanging), and the token endpoint refusing while the API answers.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { blackHole, refusingPort, type BlackHole } from './helpers/dead-hosts.js';
import { at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
let hole: BlackHole | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await hole?.close();
  hole = undefined;
});

interface JsonReport {
  apiCalls: number;
  quotaUnits: number;
  unansweredRequests?: number;
  calendars: { calendarId: string; error?: string }[];
}

/** One calendar synced once: a sync token and a cached access token. */
async function syncedWorld(): Promise<World> {
  const w = await startWorld({ sources: [ALICE] });
  w.emu.seedEvent(ALICE, samples.meeting({ summary: 'standup', start: at(2, 9), end: at(2, 10) }));
  const first = await w.cli.run(['poll']);
  expect(first.code, first.stderr).toBe(0);
  return w;
}

function forgetAccessTokens(w: World): void {
  const dir = join(w.cli.dir, 'tokens');
  for (const f of readdirSync(dir)) if (f.endsWith('.access.json')) rmSync(join(dir, f));
}

describe('one Google host unreachable, the other answering (built binary)', () => {
  it('the API host a black hole, the token host fine: one calendar ends after one request time-out, not two', async () => {
    world = await syncedWorld();
    const before = world.state()?.calendars[ALICE]?.syncToken;
    hole = await blackHole();
    const down = `127.0.0.1:${hole.port}`;
    const res = await world.cli.run(['poll', '--json'], {
      CALSYNC_GOOGLE_API_ROOT: `http://${down}/`,
      // Above the outage's 2 s streak, so the time-outs alone make it (production: 20 s).
      CALSYNC_REQUEST_TIMEOUT_MS: '2500',
    });
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.calendars[0]?.error).toBe(`Google unreachable: ${down}: no answer within 2.5 s`);
    // The calendar's listing and the shared calendar's, side by side, and no retry of either
    // (before: both retried through the client library, a second time-out later).
    expect(hole.connections()).toBeLessThanOrEqual(2);
    expect(world.state()?.calendars[ALICE]?.syncToken).toBe(before);
    // Google never saw them: no quota spent, counted apart.
    expect(report).toMatchObject({ apiCalls: 0, quotaUnits: 0, unansweredRequests: hole.connections() });
  });

  it('the token endpoint refusing: the calendar fails naming the token refresh and its host, and no Calendar call is counted', async () => {
    world = await syncedWorld();
    forgetAccessTokens(world);
    const calendarRequests = world.calendarRequests();
    const down = `127.0.0.1:${await refusingPort()}`;
    const env = { CALSYNC_GOOGLE_TOKEN_URL: `http://${down}/token` };
    const res = await world.cli.run(['poll', '--json'], env);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.calendars[0]?.error).toBe(`Google unreachable: ${down}: ECONNREFUSED (token refresh)`);
    expect(res.stderr).toContain(`google call events.list not sent (token refresh at ${down}: ECONNREFUSED)`);
    expect(res.stderr).not.toContain('events.list failed');
    expect(world.calendarRequests()).toBe(calendarRequests);
    expect(report.apiCalls).toBe(0);
    expect(report.quotaUnits).toBe(0);
    expect(report.unansweredRequests).toBeGreaterThan(0);
    const table = await world.cli.run(['poll'], env);
    expect(table.stdout).toMatch(
      new RegExp(`${ALICE}\\s.*Google unreachable: ${down}: ECONNREFUSED \\(token refresh\\)`),
    );
  });
});
