import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
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
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ requestsPerSecond: 200, writeConcurrency: 1 }));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(world.emu.seedEvent(ALICE, samples.meeting({ summary: `Own ${i}`, start: at(1, 8), end: at(1, 9) })).id ?? '');
    world.emu.injectFaults({ method: 'PATCH', status: 403, reason: 'quotaExceeded' });
    const first = await world.cli.run(['poll', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { calendars: { deferred: number; failed: number }[] };
    expect(report.calendars[0]?.deferred).toBe(30);
    expect(world.emu.requests.filter((r) => r.method === 'PATCH').length).toBe(1);
    expect(first.stderr).toMatch(/Calendar usage limits exceeded/);
    world.emu.clearFaults();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    for (const id of ids) expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);
  });

  it('an outage of the shared-calendar check fails the calendar (token kept) and the mirror comes with the next poll', async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Board', start: at(2, 9), end: at(2, 10), organizer: 'bob@corp.test', attendees: ['bob@corp.test', ALICE] }));
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
        attendees: (e?.attendees ?? []).map((a) => (a.email === who ? { ...a, responseStatus: 'declined' } : a)),
      });
    };
    decline(ALICE);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(1);
    decline(CAROL);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(countBySummary(world.emu, SHARED, 'Offsite')).toBe(0);
  });
});
