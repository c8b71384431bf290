/**
 * The shared calendar unset, or one of the source calendars, through the
 * built binary against the emulator: health-check and `calsync status` say so
 * at once (before any poll failed on it), `config set` refuses to make it so,
 * and a config.json that says so (hand-edited, or from an older calsync)
 * stops the poll with exit 2, naming the file, the key and the fix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import type { StatusOverview } from '../src/health/overview.js';
import { SHARED, at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
const WORK = 'work@group.calendar.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface HealthJson {
  status: string;
  problems: { subject: string; status: string; message: string; fix?: string }[];
}

/** A world whose settings are in config.json (as `config set` puts them), not in the environment. */
async function configuredWorld(): Promise<World> {
  const w = await startWorld({ sources: [ALICE] });
  delete w.cli.env.CALSYNC_INVITE_EMAIL;
  delete w.cli.env.CALSYNC_SOURCE_CALENDARS;
  for (const [key, value] of [
    ['sourceCalendars', ALICE],
    ['inviteEmail', SHARED],
  ] as const) {
    const set = await w.cli.run(['config', 'set', key, value]);
    expect(set.code, set.stderr).toBe(0);
  }
  w.emu.seedEvent(ALICE, samples.meeting({ summary: 'Standup', start: at(1, 9), end: at(1, 10) }));
  const poll = await w.cli.run(['poll']);
  expect(poll.code, poll.stderr).toBe(0);
  return w;
}

async function health(w: World): Promise<{ code: number | null; doc: HealthJson; line: string }> {
  const json = await w.cli.run(['health-check', '--offline', '--no-alert', '--json']);
  const text = await w.cli.run(['health-check', '--offline', '--no-alert']);
  return {
    code: json.code,
    doc: JSON.parse(json.stdout) as HealthJson,
    line: text.stdout.split('\n')[0] ?? '',
  };
}

async function status(w: World): Promise<{ code: number | null; o: StatusOverview }> {
  const r = await w.cli.run(['status', '--json']);
  return { code: r.code, o: JSON.parse(r.stdout) as StatusOverview };
}

describe('no shared calendar', () => {
  it('right after `config unset inviteEmail`: health-check CRITICAL at once with the fix, and status agrees', async () => {
    world = await configuredWorld();
    expect((await health(world)).code).toBe(0);

    const unset = await world.cli.run(['config', 'unset', 'inviteEmail']);
    expect(unset.code, unset.stderr).toBe(0);
    // No poll ran since: no poll-failure.json yet, and still CRITICAL.
    const h = await health(world);
    expect(h.code).toBe(2);
    expect(h.line).toMatch(/^CALSYNC CRITICAL - no shared calendar is configured/);
    expect(h.doc.status).toBe('CRITICAL');
    expect(h.doc.problems[0]).toMatchObject({ subject: 'inviteEmail', status: 'CRITICAL' });
    expect(h.doc.problems[0]?.fix).toContain('calsync config set inviteEmail <address>');

    const s = await status(world);
    expect(s.code).toBe(1);
    expect(s.o.status).toBe('CRITICAL');
    expect(s.o.problems[0]).toEqual(h.doc.problems[0]);

    // And the poll stops on it with the same fix.
    const poll = await world.cli.run(['poll']);
    expect(poll.code).toBe(2);
    expect(poll.stderr).toContain('calsync config set inviteEmail <address>');
  });
});

describe('the shared calendar is a source calendar', () => {
  it('`config set inviteEmail` refuses a source calendar (in any case) with exit 2, what is wrong and the fix', async () => {
    world = await configuredWorld();
    const file = join(world.cli.dir, 'config.json');
    const before = readFileSync(file, 'utf8');
    for (const address of [ALICE, 'Alice@Example.test']) {
      const r = await world.cli.run(['config', 'set', 'inviteEmail', address]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`the shared calendar ${address} is also a source calendar`);
      expect(r.stderr).toContain('not polled as a source');
      expect(r.stderr).toContain('calsync config set inviteEmail <its Calendar ID>');
    }
    // Nor can sourceCalendars take the shared calendar in.
    const sources = await world.cli.run(['config', 'set', 'sourceCalendars', `${ALICE},${SHARED}`]);
    expect(sources.code, sources.stderr).toBe(2);
    expect(sources.stderr).toContain(`the shared calendar ${SHARED} is also a source calendar`);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([
    { name: 'a secondary calendar listed as a source', shared: WORK, sources: [ALICE, WORK] },
    { name: "the source account's primary calendar", shared: ALICE, sources: [ALICE] },
  ])(
    'a config.json from an older calsync whose shared calendar is $name: poll exits 2 naming the file, key and fix; health CRITICAL; status agrees',
    async ({ shared, sources }) => {
      world = await startWorld({ sources: [ALICE] });
      world.emu.addCalendar(WORK, { owner: ALICE, writers: [ALICE], summary: 'Work' });
      world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Standup', start: at(1, 9), end: at(1, 10) }));
      delete world.cli.env.CALSYNC_INVITE_EMAIL;
      delete world.cli.env.CALSYNC_SOURCE_CALENDARS;
      const file = join(world.cli.dir, 'config.json');
      const accounts = sources.includes(WORK) ? { calendarAccounts: { [WORK]: ALICE } } : {};
      writeFileSync(file, JSON.stringify({ sourceCalendars: sources, inviteEmail: shared, ...accounts }), {
        mode: 0o600,
      });
      const writes = world.writes();

      const poll = await world.cli.run(['poll']);
      expect(poll.code, poll.stderr).toBe(2);
      expect(poll.stderr).toContain(
        `${file}: key "inviteEmail": the shared calendar ${shared} is also a source calendar`,
      );
      expect(poll.stderr).toContain('not polled as a source');
      expect(world.writes()).toBe(writes);
      // Nor does serve-webhook start on it, with the same words.
      const serve = await world.cli.run(['serve-webhook', '--port', '0']);
      expect(serve.code, serve.stderr).toBe(2);
      expect(serve.stderr).toContain(`${file}: key "inviteEmail": the shared calendar ${shared} is also`);

      const h = await health(world);
      expect(h.code).toBe(2);
      const problem = h.doc.problems.find((p) => p.subject === 'inviteEmail');
      expect(problem?.status).toBe('CRITICAL');
      expect(problem?.message).toContain('also a source calendar');
      expect(problem?.fix).toContain('calsync config set inviteEmail <its Calendar ID>');
      const s = await status(world);
      expect(s.o.status).toBe('CRITICAL');
      expect(s.o.problems).toContainEqual(problem);

      // The fix the message names works, and the poll goes on.
      const fix = await world.cli.run(['config', 'set', 'inviteEmail', SHARED]);
      expect(fix.code, fix.stderr).toBe(0);
      const again = await world.cli.run(['poll']);
      expect(again.code, again.stderr).toBe(0);
    },
  );
});
