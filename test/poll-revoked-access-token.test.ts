import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function seedMeetings(w: World, n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push(
      w.emu.seedEvent(
        ALICE,
        samples.meeting({ summary: `Meeting ${i}`, start: at(1 + i, 9), end: at(1 + i, 10) }),
      ).id ?? '',
    );
  return ids;
}

describe('an access token revoked mid-poll (built binary)', () => {
  it('refreshes once and retries the call: every action is done', async () => {
    world = await startWorld();
    const ids = seedMeetings(world, 12);
    // The first write (an invite: an update of the listed event) revokes Alice's access token (not her refresh token).
    world.emu.injectFaults({ method: 'PUT', pathIncludes: '/events/', revokeAccessToken: true, times: 1 });
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { actions: { result: string }[] };
    expect(report.actions.filter((a) => a.result === 'failed')).toHaveLength(0);
    for (const id of ids) expect(attendeeCount(world.emu.getEvent(ALICE, id), SHARED)).toBe(1);
    // The old token was refused, then one new one served the rest.
    const refused = world.emu.requests.filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('a token refused again after the refresh fails the call as before', async () => {
    world = await startWorld();
    const [id] = seedMeetings(world, 1);
    world.emu.injectFaults({ method: 'PUT', pathIncludes: '/events/', status: 401, reason: 'authError' });
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as { actions: { result: string }[] };
    expect(report.actions.filter((a) => a.result === 'failed')).toHaveLength(1);
    expect(attendeeCount(world.emu.getEvent(ALICE, id ?? ''), SHARED)).toBe(0);
    // One try and one retry after the refresh, no more.
    const updates = world.emu.requests.filter((r) => r.method === 'PUT' && r.path.includes('/events/'));
    expect(updates).toHaveLength(2);
  });
});
