import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { blackHole as openBlackHole, refusingPort, type BlackHole } from './helpers/dead-hosts.js';
import { at, startWorld, type World } from './helpers/world.js';

const SOURCES = ['alice@example.test', 'bob@example.test', 'carol@example.test'];
let world: World | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const close of closers.splice(0)) await close();
});

async function blackHole(): Promise<BlackHole> {
  const hole = await openBlackHole();
  closers.push(hole.close);
  return hole;
}

/** Three calendars synced once: each has a sync token and a cached access token. */
async function syncedWorld(): Promise<World> {
  const w = await startWorld({ sources: SOURCES });
  for (const s of SOURCES)
    w.emu.seedEvent(s, samples.meeting({ summary: `m ${s}`, start: at(2, 9), end: at(2, 10) }));
  const first = await w.cli.run(['poll']);
  expect(first.code, first.stderr).toBe(0);
  return w;
}

function syncTokens(w: World): (string | undefined)[] {
  return SOURCES.map((s) => w.state()?.calendars[s]?.syncToken);
}

describe('a poll with Google unreachable (built binary)', () => {
  it('connection refused: exits 1, one "Google unreachable" line per calendar with host and error, sync tokens kept, no URL query printed', async () => {
    world = await syncedWorld();
    const before = syncTokens(world);
    expect(before.every((t) => typeof t === 'string')).toBe(true);
    const down = `127.0.0.1:${await refusingPort()}`;
    const env = {
      CALSYNC_GOOGLE_API_ROOT: `http://${down}/`,
      CALSYNC_GOOGLE_TOKEN_URL: `http://${down}/token`,
    };
    for (const args of [['poll'], ['poll', '--json', '--verbose']]) {
      const res = await world.cli.run(args, env);
      const out = res.stdout + res.stderr;
      expect(res.code, out).toBe(1);
      expect(out).not.toMatch(/:\/\/\S*\?/);
      expect(out).not.toContain('syncToken');
      expect(syncTokens(world)).toEqual(before);
      if (args.includes('--json')) {
        const report = JSON.parse(res.stdout) as { calendars: { calendarId: string; error?: string }[] };
        for (const cal of report.calendars)
          expect(cal.error, cal.calendarId).toBe(`Google unreachable: ${down}: ECONNREFUSED`);
      } else {
        for (const s of SOURCES)
          expect(res.stdout).toMatch(new RegExp(`${s}\\s.*Google unreachable: ${down}: ECONNREFUSED`));
        expect(res.stderr).toContain(`Google unreachable: ${down}: ECONNREFUSED (`);
        expect(res.stderr).toContain('nothing more is sent there in this run');
      }
    }
    expect(world.state()?.calendars[SOURCES[0] ?? '']?.lastError).toBe(
      `Google unreachable: ${down}: ECONNREFUSED`,
    );
  });

  it('a black hole that accepts and never answers: the time-outs count as one outage, not one per request', async () => {
    world = await syncedWorld();
    const before = syncTokens(world);
    const hole = await blackHole();
    const down = `127.0.0.1:${hole.port}`;
    const res = await world.cli.run(['poll'], {
      CALSYNC_GOOGLE_API_ROOT: `http://${down}/`,
      CALSYNC_GOOGLE_TOKEN_URL: `http://${down}/token`,
      CALSYNC_REQUEST_TIMEOUT_MS: '1000',
    });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toContain(`Google unreachable: ${down}: no answer within 1 s`);
    expect(syncTokens(world)).toEqual(before);
    // Without the outage each of the 3 listings would try 9 times (27 connections at least).
    expect(hole.connections()).toBeLessThan(12);
  });
});
