/**
 * Invitations that never arrive (issue 11, point 1), end to end through the
 * built binary: the shared calendar's "Add invitations to my calendar"
 * setting decides (Google Calendar Help; facts page, "Invitations").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { copyEventId } from '../src/sync/ids.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';

interface PollJson {
  delivery: Record<string, unknown>;
  actions: { action: string }[];
}
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const sharedLists = (w: World) =>
  w.emu.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/calendars/${SHARED}/events`)).length;
const aliceLists = (w: World) =>
  w.emu.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/calendars/${ALICE}/events`)).length;

function seedOwn(w: World) {
  return w.emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(1, 9), end: at(1, 10) }));
}

function entryOf(w: World, id: string) {
  return w.state()?.events[ALICE]?.get(id);
}

describe('invitations must reach the shared calendar', () => {
  it('delivered (from everyone): the next poll lists the shared calendar once and clears it; idle polls then list only the source calendar', async () => {
    world = await startWorld();
    const own = seedOwn(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(entryOf(world, own.id ?? '')?.delivery).toBe('pending');
    world.emu.clearRequestLog();
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(sharedLists(world)).toBe(1);
    expect((JSON.parse(res.stdout) as PollJson).delivery).toMatchObject({
      checked: true,
      delivered: 1,
      undelivered: 0,
    });
    expect(entryOf(world, own.id ?? '')?.delivery).toBeUndefined();
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(sharedLists(world)).toBe(0);
    expect(world.calendarRequests()).toBe(1);
  });

  it('not delivered (only known senders): after the next poll health-check WARNs with the setting to change, /metrics counts it, at one extra list request', async () => {
    world = await startWorld();
    world.emu.setInvitationSetting(SHARED, 'knownSenders');
    const own = seedOwn(world);
    world.emu.seedEvent(ALICE, samples.birthdayEvent({ summary: 'Ann', date: at(3, 0).slice(0, 10) }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    // Calsync invited, Google did not add it.
    expect(attendeeCount(world.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(1);
    expect(world.emu.getEvent(SHARED, own.id ?? '')).toBeUndefined();
    world.emu.clearRequestLog();
    const res = await world.cli.run(['poll', '--json']);
    expect(aliceLists(world)).toBe(1);
    expect(sharedLists(world)).toBe(1);
    expect((JSON.parse(res.stdout) as PollJson).delivery).toMatchObject({ checked: true, undelivered: 2 });
    expect(entryOf(world, own.id ?? '')?.delivery).toBe('missing');

    const health = await world.cli.run(['health-check', '--offline', '--no-alert']);
    expect(health.code, health.stdout).toBe(1);
    expect(health.stdout).toContain('CALSYNC WARNING');
    expect(health.stdout + health.stderr).toContain('Add invitations to my calendar: From everyone');
    expect(health.stdout + health.stderr).toContain('calsync config set organizedEvents mirror');
    const metrics = await world.cli.run(['metrics']);
    expect(metrics.stdout).toContain(`calsync_invitations_undelivered{calendar_id="${ALICE}"} 2`);

    // Still one listing a poll while they wait, never one GET each; the text summary says it too.
    world.emu.clearRequestLog();
    const text = await world.cli.run(['poll']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('2 invitations never reached the shared calendar');
    expect(sharedLists(world)).toBe(1);
    expect(
      world.emu.requests.filter((r) => r.method === 'GET' && r.path.includes(`/calendars/${SHARED}/events/`)),
    ).toHaveLength(0);
  });

  it('an invitation that arrives late (the shared calendar answered the email) clears the warning at the next poll', async () => {
    world = await startWorld();
    world.emu.setInvitationSetting(SHARED, 'whenResponded');
    const own = seedOwn(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(entryOf(world, own.id ?? '')?.delivery).toBe('missing');
    world.emu.respondToInvitation(SHARED, ALICE, own.id ?? '', 'accepted');
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(entryOf(world, own.id ?? '')?.delivery).toBeUndefined();
    const health = await world.cli.run(['health-check', '--offline', '--no-alert']);
    expect(health.stdout).not.toContain('never reached');
  });

  it('organizedEvents mirror: own events are mirrored and copies made on the shared calendar, no guest added, nothing to await', async () => {
    world = await startWorld();
    world.emu.setInvitationSetting(SHARED, 'knownSenders');
    writeFileSync(join(world.cli.dir, 'config.json'), JSON.stringify({ organizedEvents: 'mirror' }));
    const own = seedOwn(world);
    const bday = world.emu.seedEvent(
      ALICE,
      samples.birthdayEvent({ summary: 'Ann', date: at(3, 0).slice(0, 10) }),
    );
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(attendeeCount(world.emu.getEvent(ALICE, own.id ?? ''), SHARED)).toBe(0);
    expect(world.emu.getEvent(SHARED, copyEventId(SHARED, ALICE, own.id ?? '', 'mirror'))?.summary).toBe(
      'Dentist',
    );
    const copy = world.emu.getEvent(SHARED, copyEventId(SHARED, ALICE, bday.id ?? '', 'birthday'));
    expect(copy?.summary).toBe('Ann');
    expect(copy?.attendees ?? []).toHaveLength(0);
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(sharedLists(world)).toBe(0);
  });

  it('switching to organizedEvents mirror after an invitation never arrived mirrors it on the next full resync, and the warning goes', async () => {
    world = await startWorld();
    world.emu.setInvitationSetting(SHARED, 'knownSenders');
    const own = seedOwn(world);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(entryOf(world, own.id ?? '')?.delivery).toBe('missing');
    expect((await world.cli.run(['config', 'set', 'organizedEvents', 'mirror'])).code).toBe(0);
    expect((await world.cli.run(['poll', '--full-resync'])).code).toBe(0);
    expect(world.emu.getEvent(SHARED, copyEventId(SHARED, ALICE, own.id ?? '', 'mirror'))?.summary).toBe(
      'Dentist',
    );
    expect(entryOf(world, own.id ?? '')?.delivery).toBeUndefined();
    // Stable: the next resync neither deletes the mirror nor flips back.
    const again = await world.cli.run(['poll', '--full-resync', '--json']);
    expect((JSON.parse(again.stdout) as PollJson).actions.map((a) => a.action)).toEqual(['skip']);
  });

  it.each(['restorable', 'burnt'] as const)(
    'a mirror a person deleted on the shared calendar is not made again when its source changes (%s deleted ids)',
    async (mode) => {
      world = await startWorld();
      world.emu.deletedEvents = mode;
      const meeting = world.emu.seedEvent(
        ALICE,
        samples.meeting({
          summary: 'Board',
          start: at(2, 14),
          end: at(2, 15),
          organizer: 'bob@corp.test',
          attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
        }),
      );
      expect((await world.cli.run(['poll'])).code).toBe(0);
      const mirrorId = copyEventId(SHARED, ALICE, meeting.id ?? '', 'mirror');
      expect(world.emu.getEvent(SHARED, mirrorId)?.summary).toBe('Board');
      world.emu.cancelEvent(SHARED, mirrorId);
      world.emu.updateEvent(ALICE, meeting.id ?? '', { summary: 'Board (moved)' });
      const res = await world.cli.run(['poll']);
      expect(res.code, res.stderr).toBe(0);
      expect(world.emu.getEvent(SHARED, mirrorId)?.status).toBe('cancelled');
      expect(entryOf(world, meeting.id ?? '')?.delivery).toBe('dismissed');
      world.emu.updateEvent(ALICE, meeting.id ?? '', { summary: 'Board (moved again)' });
      expect((await world.cli.run(['poll'])).code).toBe(0);
      expect(world.emu.listEvents(SHARED).filter((e) => e.summary?.startsWith('Board'))).toHaveLength(0);
    },
  );
});
