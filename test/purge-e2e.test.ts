import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples, type GoogleEvent } from '../src/emulator/index.js';
import type { StatusOverview } from '../src/health/overview.js';
import { MARKER } from '../src/sync/types.js';
import { SHARED, at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Every event on the calendars that carries one of calsync's markers. */
function calsyncMade(w: World): GoogleEvent[] {
  return [ALICE, SHARED].flatMap((cal) =>
    w.emu.listEvents(cal).filter((e) => {
      const p = e.extendedProperties?.private ?? {};
      return p[MARKER.source] !== undefined || Object.keys(p).some((k) => k.startsWith(MARKER.invited));
    }),
  );
}

const guests = (e: GoogleEvent | undefined) =>
  (e?.attendees ?? []).map((a) => `${a.email ?? ''}:${a.responseStatus ?? ''}`).sort();

/** A birthday, a flight, Alice's own meeting with a guest, a meeting that had the shared calendar before calsync, someone else's meeting. */
function seed(w: World, birthdays = 1) {
  const { emu } = w;
  for (let i = 0; i < birthdays; i++)
    emu.seedEvent(
      ALICE,
      samples.birthdayEvent({ summary: `Birthday ${i}`, date: at(3 + i, 0).slice(0, 10) }),
    );
  emu.seedEvent(ALICE, samples.gmailEvent({ summary: 'Flight BA 117', start: at(4, 8), end: at(4, 16) }));
  const own = emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Dentist',
      start: at(1, 9),
      end: at(1, 10),
      attendees: [{ email: 'jo@example.test', responseStatus: 'accepted' }],
    }),
  );
  const before = emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Family dinner',
      start: at(2, 18),
      end: at(2, 20),
      attendees: [{ email: SHARED, responseStatus: 'accepted' }, { email: 'sam@example.test' }],
    }),
  );
  emu.seedEvent(
    ALICE,
    samples.meeting({
      summary: 'Board meeting',
      start: at(2, 14),
      end: at(2, 15),
      organizer: 'bob@corp.test',
      attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
    }),
  );
  return { own, before };
}

interface Report {
  exitCode: number;
  items: { kind: string; result: string; calendarId: string }[];
  calendars: { calendarId: string; copies: number; mirrors: number; invites: number }[];
  forgotten: string[];
}

describe('calsync purge (built binary)', () => {
  it('after a lost state file removes every copy, mirror and invitee calsync made, and nothing else; a second run writes nothing', async () => {
    world = await startWorld();
    const { own, before } = seed(world);
    const poll = await world.cli.run(['poll']);
    expect(poll.code, poll.stderr).toBe(0);
    expect(calsyncMade(world).length).toBe(4); // birthday copy, flight copy, invited Dentist, mirror
    const dinnerBefore = world.emu.getEvent(ALICE, before.id ?? '');
    // A person answers on the invited event meanwhile: that response must survive.
    world.emu.updateEvent(ALICE, own.id ?? '', {
      attendees: [
        ...(world.emu.getEvent(ALICE, own.id ?? '')?.attendees ?? []).filter(
          (a) => a.email !== 'jo@example.test',
        ),
        { email: 'jo@example.test', responseStatus: 'tentative' },
      ],
    });
    rmSync(join(world.cli.dir, 'state.json'));

    const writes = world.writes();
    const dry = await world.cli.run(['purge', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as Report;
    expect(plan.items.map((i) => `${i.kind}:${i.result}`).sort()).toEqual([
      'copy:planned',
      'copy:planned',
      'invite:planned',
      'mirror:planned',
    ]);
    expect(plan.calendars).toEqual([
      { calendarId: ALICE, account: ALICE, copies: 2, mirrors: 0, invites: 1 },
      { calendarId: SHARED, account: SHARED, copies: 0, mirrors: 1, invites: 0 },
    ]);
    expect(world.writes()).toBe(writes);

    const requests = world.calendarRequests();
    const res = await world.cli.run(['purge']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('purge: 4 of 4 removed');
    // One listing per marker on each calendar (the source: 2 copy rules and 2 invite markers, this
    // install's and the previous release's; the shared calendar: 3 copy rules and busy blocks), then one write per removal.
    expect(world.calendarRequests() - requests).toBe(8 + 4);
    expect(calsyncMade(world)).toEqual([]);
    // Nothing calsync made is left on the shared calendar, but the dinner it was invited to before.
    expect(world.emu.listEvents(SHARED).map((e) => e.summary)).toEqual(['Family dinner']);
    expect(guests(world.emu.getEvent(ALICE, own.id ?? ''))).toEqual(['jo@example.test:tentative']);
    const dinnerAfter = world.emu.getEvent(ALICE, before.id ?? '');
    expect(dinnerAfter?.etag).toBe(dinnerBefore?.etag);
    expect(guests(dinnerAfter)).toEqual([`${SHARED}:accepted`, 'sam@example.test:']);

    const afterFirst = world.writes();
    const again = await world.cli.run(['purge', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as Report).items).toEqual([]);
    expect((await world.cli.run(['purge'])).stdout).toContain(
      "purge: nothing of calsync's is left on Google",
    );
    expect(world.writes()).toBe(afterFirst);
  });

  it('interrupted by kill -9, a second run finishes the job', async () => {
    world = await startWorld();
    seed(world, 6);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const made = calsyncMade(world).length;
    // The first delete goes at once and the rest hang, so the kill lands after one
    // went and before the others, however many the purge sends side by side.
    world.emu.injectFaults(
      { method: 'DELETE', latencyMs: 1, times: 1 },
      { method: 'DELETE', latencyMs: 5000 },
    );
    const child = world.cli.spawn(['purge']);
    const deletes = () =>
      world?.emu.requests.filter((r) => r.method === 'DELETE' && r.status !== 0).length ?? 0;
    while (deletes() < 1) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const left = calsyncMade(world).length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(made);
    world.emu.clearFaults();
    const res = await world.cli.run(['purge']);
    expect(res.code, res.stderr).toBe(0);
    expect(calsyncMade(world)).toEqual([]);
  });

  it('an invited event changed meanwhile (412) is read again and only the shared calendar leaves it', async () => {
    world = await startWorld();
    const { own } = seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    world.emu.injectFaults({ method: 'PUT', pathIncludes: `/events/${own.id ?? ''}`, status: 412, times: 1 });
    const before = world.emu.requests.length;
    const res = await world.cli.run(['purge', '--calendar', ALICE]);
    expect(res.code, res.stderr).toBe(0);
    // The purge's own updates (the poll's invite was an update too).
    const puts = world.emu.requests.slice(before).filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual([412, 200]);
    expect(guests(world.emu.getEvent(ALICE, own.id ?? ''))).toEqual(['jo@example.test:accepted']);
  });

  it('stops the push channels; --forget then removes the state, webhook token and health memory, never the tokens or config.json', async () => {
    // A loopback webhook address nobody answers: the channel is made all the same.
    world = await startWorld({ env: { CALSYNC_WEBHOOK_URL: 'http://127.0.0.1:9/webhook' } });
    seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const watch = await world.cli.run(['watch']);
    expect(watch.code, watch.stderr).toBe(0);
    const channel = world.state()?.channels[ALICE];
    expect(channel).toBeDefined();
    const dir = world.cli.dir;
    writeFileSync(join(dir, 'health.json'), '{}\n', { mode: 0o600 });
    writeFileSync(join(dir, 'config.json'), '{}\n', { mode: 0o600 });
    const res = await world.cli.run(['purge', '--forget', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report & { channels: { calendarId: string; action: string }[] };
    expect(report.channels).toEqual([{ calendarId: ALICE, action: 'stopped' }]);
    expect(world.emu.requests.some((r) => r.path === '/calendar/v3/channels/stop' && r.status < 300)).toBe(
      true,
    );
    expect(report.forgotten.map((f) => f.slice(dir.length + 1))).toEqual([
      'health.json',
      'state.json',
      'webhook-token',
    ]);
    for (const f of ['state.json', 'webhook-token', 'health.json'])
      expect(existsSync(join(dir, f))).toBe(false);
    for (const f of ['config.json', `tokens/${ALICE}.json`, `tokens/${SHARED}.json`])
      expect(existsSync(join(dir, f))).toBe(true);
  });

  it("mirrors go even when the shared calendar's own account has no token here (a source account that writes it deletes them)", async () => {
    world = await startWorld();
    seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    rmSync(join(world.cli.dir, 'tokens', `${SHARED}.json`));
    const res = await world.cli.run(['purge', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.calendars.find((c) => c.calendarId === SHARED)).toMatchObject({
      account: ALICE,
      mirrors: 1,
    });
    expect(calsyncMade(world)).toEqual([]);
  });

  it('warns when the systemd timers are still installed, since the next poll would make everything again', async () => {
    world = await startWorld();
    const env = { XDG_CONFIG_HOME: world.cli.dir };
    expect((await world.cli.run(['systemd', 'install'], env)).code).toBe(0);
    const res = await world.cli.run(['purge'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('run: calsync systemd uninstall');
    expect((await world.cli.run(['systemd', 'uninstall'], env)).code).toBe(0);
    expect((await world.cli.run(['purge'], env)).stderr).not.toContain('still installed');
  });

  it("a profile's purge warns about that profile's instance units, not about the default units", async () => {
    world = await startWorld();
    const w = world;
    const env = { XDG_CONFIG_HOME: w.cli.dir, CALSYNC_PROFILE: 'club' };
    for (const account of [...w.sources, SHARED])
      expect((await w.cli.run(['auth', account, '--from-profile', 'default'], env)).code).toBe(0);
    expect((await w.cli.run(['systemd', 'install'], { XDG_CONFIG_HOME: w.cli.dir })).code).toBe(0);
    const quiet = await w.cli.run(['purge'], env);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('still installed');
    expect((await w.cli.run(['systemd', 'install'], env)).code).toBe(0);
    const warned = await w.cli.run(['purge'], env);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('of profile club are still installed');
    expect(warned.stderr).toContain('run: calsync --profile club systemd uninstall');
  });

  it("a calendar that is not calsync's is a usage error (exit 2)", async () => {
    world = await startWorld();
    const res = await world.cli.run(['purge', '--calendar', 'nobody@example.test']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--calendar nobody@example.test');
  });
});

describe('purge says what it checked', () => {
  it('with no tokens it never claims that nothing is left: it names the calendars it could not read', async () => {
    world = await startWorld();
    rmSync(join(world.cli.dir, 'tokens'), { recursive: true, force: true });
    const r = await world.cli.run(['purge']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("nothing of calsync's is left on Google");
    expect(r.stdout.split('\n')[0]).toBe(
      "purge: nothing could be checked: no calendar could be read; calsync's events may still be on Google",
    );
    expect(r.stdout).toMatch(new RegExp(`${ALICE}: failed: `));
  });

  it('with one calendar unreadable, it says which were checked and which not', async () => {
    world = await startWorld({ sources: [ALICE, 'bob@example.test'] });
    rmSync(join(world.cli.dir, 'tokens', 'bob@example.test.json'));
    const r = await world.cli.run(['purge']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^purge: nothing of calsync's found on the calendars that were read \(\d+ calendars? checked; 1 calendar could not be read: bob@example.test\)$/,
    );
  });
});

describe('purge without --forget leaves the state true', () => {
  it('the state no longer claims what it removed (status counts no share), says so, and the next poll shares everything again (what a person did stays: purge-units)', async () => {
    world = await startWorld();
    const { own } = seed(world);
    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    expect(calsyncMade(world).length).toBe(4);
    const shares = async (w: World) => {
      const r = await w.cli.run(['status', '--json']);
      return (JSON.parse(r.stdout) as StatusOverview).calendars[0]?.shared;
    };
    // The dinner had the shared calendar as a guest before calsync: shared too, and no purge takes it.
    expect(await shares(world)).toEqual({ birthday: 1, gmail: 1, invite: 2, mirror: 1 });

    const purge = await world.cli.run(['purge']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(purge.stdout).toContain(
      `state: 4 entries of what was removed dropped; the next poll lists ${ALICE} in full and shares everything again`,
    );
    expect(calsyncMade(world)).toEqual([]);
    expect(await shares(world)).toEqual({ invite: 1 });
    const state = world.state();
    expect(state?.calendars[ALICE]?.lastSuccessAt).toBeDefined();
    // Listed in full next time: the events that did not change since are shared again too.
    expect(state?.calendars[ALICE]?.syncToken).toBeUndefined();
    expect(state?.events[ALICE]?.get(own.id ?? '')).toBeUndefined();

    const again = await world.cli.run(['poll', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('respected');
    expect(calsyncMade(world).length).toBe(4);
    expect(world.emu.getEvent(ALICE, own.id ?? '')?.attendees?.map((a) => a.email)).toContain(SHARED);
    expect(await shares(world)).toEqual({ birthday: 1, gmail: 1, invite: 2, mirror: 1 });
  });

  it('a dry run changes nothing in the state', async () => {
    world = await startWorld();
    seed(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const before = readFileSync(join(world.cli.dir, 'state.json'), 'utf8');
    const dry = await world.cli.run(['purge', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(readFileSync(join(world.cli.dir, 'state.json'), 'utf8')).toBe(before);
  });
});
