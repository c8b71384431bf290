/**
 * Health tells the truth about the last poll: never OK while polls fail.
 * The built binary polls the emulator, then health-check (offline) reads what
 * the poll left behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { startWorld, type World, at } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('health-check after a poll', () => {
  it('OK after a poll that succeeded, WARNING with the error and since when after one that failed', async () => {
    world = await startWorld({ sources: [ALICE] });
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Standup', start: at(1, 9), end: at(1, 10) }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const ok = await world.cli.run(['health-check', '--offline']);
    expect(ok.stdout).toMatch(/^CALSYNC OK - 1 calendar synced/);
    expect(ok.code).toBe(0);

    // Google fails every listing, with a message that quotes a URL and its query (a sync token).
    world.emu.injectFaults({
      pathIncludes: '/events',
      status: 400,
      reason: 'invalid',
      message: 'bad request to https://www.googleapis.com/calendar/v3/x?syncToken=SECRETSYNC',
    });
    expect((await world.cli.run(['poll'])).code).toBe(1);
    const failed = await world.cli.run(['health-check', '--offline']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^CALSYNC WARNING - alice@example.test: last poll failed \d+s ago: 400 /);
    expect(failed.stdout).toMatch(/failing since \d{4}-\d\d-\d\dT/);
    expect(failed.stdout).toContain('https://www.googleapis.com/calendar/v3/x');
    expect(failed.stdout).not.toContain('SECRETSYNC');
    const since = world.state()?.calendars[ALICE]?.failingSince;
    expect(since).toBeDefined();

    // A second failure keeps "since"; a success clears it.
    expect((await world.cli.run(['poll'])).code).toBe(1);
    expect(world.state()?.calendars[ALICE]?.failingSince).toBe(since);
    world.emu.clearFaults();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(world.state()?.calendars[ALICE]?.failingSince).toBeUndefined();
    expect((await world.cli.run(['health-check', '--offline'])).code).toBe(0);
  });

  it('a configuration that stops every poll is CRITICAL at once, until a poll gets past it', async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect((await world.cli.run(['health-check', '--offline'])).code).toBe(0);

    // `config unset inviteEmail`, as the timer's poll sees it: every poll exits 2.
    const noShared = { CALSYNC_INVITE_EMAIL: '' };
    const poll = await world.cli.run(['poll'], noShared);
    expect(poll.code).toBe(2);
    expect(existsSync(join(world.cli.dir, 'poll-failure.json'))).toBe(true);
    const health = await world.cli.run(['health-check', '--offline', '--json']);
    expect(health.code).toBe(2);
    const report = JSON.parse(health.stdout) as {
      status: string;
      problems: { status: string; kind: string; message: string; fix?: string }[];
    };
    expect(report.status).toBe('CRITICAL');
    expect(report.problems[0]).toMatchObject({ status: 'CRITICAL', kind: 'config' });
    expect(report.problems[0]?.message).toMatch(
      /every poll stops on its configuration since .*: no shared calendar is configured/,
    );
    expect(report.problems[0]?.fix).toContain('calsync config set inviteEmail');

    // A real poll that runs clears it; a dry run writes nothing, not even this trace.
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(existsSync(join(world.cli.dir, 'poll-failure.json'))).toBe(false);
    expect((await world.cli.run(['health-check', '--offline'])).code).toBe(0);
    expect((await world.cli.run(['poll', '--dry-run'], noShared)).code).toBe(2);
    expect(existsSync(join(world.cli.dir, 'poll-failure.json'))).toBe(false);
  });

  it('settings that cannot be read at all leave the trace too', async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const bad = await world.cli.run(['poll'], { CALSYNC_POLL_INTERVAL_MINUTES: 'often' });
    expect(bad.code).toBe(2);
    const health = await world.cli.run(['health-check', '--offline']);
    expect(health.code).toBe(2);
    expect(health.stdout).toMatch(/^CALSYNC CRITICAL - every poll stops on its configuration/);
  });
});
