/**
 * `calsync status`: one screen that says whether calsync works and what to do
 * if not, read only, through the built binary against the emulator.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import type { StatusOverview } from '../src/health/overview.js';
import { SHARED, at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function seed(w: World): void {
  w.emu.seedEvent(ALICE, samples.meeting({ summary: 'Standup', start: at(1, 9), end: at(1, 10) }));
  w.emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Board',
      start: at(2, 9),
      end: at(2, 10),
      organizer: 'bob@corp.test',
      attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
    }),
  );
}

describe('calsync status', () => {
  it('all well: exit 0, one screen per calendar, and --json has the documented shape', async () => {
    world = await startWorld({ sources: [ALICE] });
    seed(world);
    {
      const p = await world.cli.run(['poll']);
      expect(p.code, p.stdout + p.stderr).toBe(0);
    }
    const before = world.emu.requests.length;
    const text = await world.cli.run(['status']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^calsync: all well\n/);
    expect(text.stdout).toContain(`${ALICE}  (account ${ALICE}: token file)`);
    expect(text.stdout).toMatch(/last poll +\d+ s ago, ok/);
    expect(text.stdout).toMatch(/waiting +0 deferred, 0 failed, 0 parked/);
    expect(text.stdout).toContain(`shared calendar  ${SHARED}`);
    expect(text.stdout).not.toContain('to do:');

    const json = await world.cli.run(['status', '--json']);
    expect(json.code).toBe(0);
    const o = JSON.parse(json.stdout) as StatusOverview;
    expect(o).toMatchObject({ status: 'OK', exitCode: 0, problems: [], pollConfigFailure: null });
    expect(Object.keys(o).sort()).toEqual(
      ['calendars', 'exitCode', 'pollConfigFailure', 'problems', 'shared', 'status', 'timers'].sort(),
    );
    expect(o.shared).toEqual({ calendarId: SHARED, account: SHARED, token: { state: 'token file' } });
    const [cal] = o.calendars;
    expect(cal).toMatchObject({
      calendarId: ALICE,
      account: ALICE,
      lastPoll: { result: 'ok', error: null, failingSince: null },
      waiting: { deferred: 0, failed: 0, parked: 0 },
      undeliveredInvitations: 0,
      mirrorsSkipped: null,
      channel: null,
      token: { state: 'token file' },
    });
    expect(cal?.lastSuccess?.at).toBe(cal?.lastPoll.at);
    expect(cal?.lastPollCounts).toMatchObject({ changes: 2, done: 2, failed: 0 });
    expect(cal?.shared).toEqual({ invite: 1, mirror: 1 });
    // Reads only: not one request to Google.
    expect(world.emu.requests.length).toBe(before);
  });

  it('problems: a failed poll and a missing token, each with its fix; exit 1', async () => {
    world = await startWorld({ sources: [ALICE, 'bob@example.test'] });
    world.emu.addAccount('bob@example.test');
    seed(world);
    rmSync(join(world.cli.dir, 'tokens', 'bob@example.test.json'));
    // Before any poll: the token file is missing.
    const early = JSON.parse((await world.cli.run(['status', '--json'])).stdout) as StatusOverview;
    expect(early.calendars[1]?.token).toEqual({ state: 'missing' });
    expect(early.problems).toContainEqual(
      expect.objectContaining({
        status: 'CRITICAL',
        kind: 'token',
        message: 'bob@example.test: no token file',
      }),
    );
    world.emu.injectFaults({
      pathIncludes: `/calendars/${ALICE}/events`,
      status: 500,
      reason: 'backendError',
    });
    expect((await world.cli.run(['poll'])).code).toBe(1);
    const text = await world.cli.run(['status']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^calsync: \d+ things to look at \(CRITICAL\)/);
    expect(text.stdout).toMatch(/last poll +\d+ s ago, FAILED: 500 .* \(failing since \d{4}-/);
    // After the poll, the account is marked: it needs a sign-in, since when, and why.
    expect(text.stdout).toContain('account bob@example.test: needs a new sign-in since');
    expect(text.stdout).toContain('CRITICAL: bob@example.test: needs authorization since');
    expect(text.stdout).toContain(
      'fix: run: calsync auth bob@example.test --client-secrets <client_secret.json>',
    );
    expect(text.stdout).toContain(`fix: run: calsync poll --calendar ${ALICE} --verbose`);

    const o = JSON.parse((await world.cli.run(['status', '--json'])).stdout) as StatusOverview;
    expect(o.exitCode).toBe(1);
    expect(o.calendars[0]?.lastPoll.result).toBe('failed');
    expect(o.calendars[1]?.token).toMatchObject({ state: 'needs sign-in' });
    expect(o.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['auth', 'poll']));
  });

  it('a configuration that stops every poll is the first thing it says', async () => {
    world = await startWorld({ sources: [ALICE] });
    expect((await world.cli.run(['poll'], { CALSYNC_INVITE_EMAIL: '' })).code).toBe(2);
    const r = await world.cli.run(['status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /to do:\n {2}CRITICAL: every poll stops on its configuration since .*: no shared calendar is configured\n {4}fix: run: calsync config set inviteEmail/,
    );
  });

  it('unreadable settings are exit 2', async () => {
    world = await startWorld({ sources: [ALICE] });
    const r = await world.cli.run(['status'], { CALSYNC_POLL_INTERVAL_MINUTES: 'often' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
