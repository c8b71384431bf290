import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemo } from '../src/emulator/demo-seed.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { cliEnv, type CliEnv } from './helpers/cli.js';

interface Explanation {
  calendarId: string;
  eventId: string;
  summary?: string;
  via?: { rule: string };
  decision: { action: string; reason?: string; why: string };
  entry?: { rule?: string };
  waiting?: { reason: string };
  copy?: { calendarId: string; eventId: string; presence: string };
  invitation?: { guest: boolean; byCalsync: boolean; reached?: boolean };
}

let emu: Emulator;
let cli: CliEnv;
const { personal, work, shared } = DEMO_ACCOUNTS;

beforeAll(async () => {
  emu = await startEmulator({ quotaPerMinute: null });
  seedDemo(emu);
  cli = cliEnv(emu, { CALSYNC_SOURCE_CALENDARS: `${personal},${work}`, CALSYNC_INVITE_EMAIL: shared });
  for (const a of [personal, work, shared]) cli.writeToken(a, emu.authorizedUser(a));
  const poll = await cli.run(['poll']);
  expect(poll.code, poll.stderr).toBe(0);
});
afterAll(async () => {
  await emu.close();
  cli.cleanup();
});

const writes = () =>
  emu.requests.filter((r) => r.path.startsWith('/calendar/v3/') && r.method !== 'GET').length;

async function explain(...args: string[]): Promise<Explanation[]> {
  const res = await cli.run(['explain', ...args, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return (JSON.parse(res.stdout) as { explanations: Explanation[] }).explanations;
}

describe('calsync explain on the demo world (built binary)', () => {
  it('a birthday: its copy exists now and its invitation reached the shared calendar', async () => {
    const [e] = await explain("Sam's birthday");
    expect(e?.calendarId).toBe(personal);
    expect(e?.entry?.rule).toBe('birthday');
    expect(e?.decision).toMatchObject({ action: 'skip', reason: 'copy is up to date' });
    expect(e?.copy?.presence).toBe('exists');
    expect(e?.invitation).toEqual({ guest: true, byCalsync: true, reached: true });
  });

  it('a flight from Gmail, asked about by the id of its copy, points back to the source', async () => {
    const copy = emu.listEvents(personal).find((x) => x.extendedProperties?.private?.calsyncRule === 'gmail');
    const [e] = await explain(copy?.id ?? '');
    expect(e?.summary).toBe('Flight LH 123 Munich to Lisbon');
    expect(e?.via?.rule).toBe('gmail');
    expect(e?.entry?.rule).toBe('gmail');
    expect(e?.copy).toMatchObject({ eventId: copy?.id, presence: 'exists' });
  });

  it('an own event: calsync invited the shared calendar, and the invitation arrived', async () => {
    const [e] = await explain('dentist');
    expect(e?.entry?.rule).toBe('invite');
    expect(e?.decision.reason).toBe('shared calendar already invited');
    expect(e?.invitation).toEqual({ guest: true, byCalsync: true, reached: true });
  });

  it("someone else's series is mirrored; the mirror's id explains the same source", async () => {
    const [e] = await explain('Team standup', '--calendar', work);
    expect(e?.calendarId).toBe(work);
    expect(e?.entry?.rule).toBe('mirror');
    expect(e?.copy).toMatchObject({ calendarId: shared, kind: 'mirror', presence: 'exists' });
    const [viaMirror] = await explain(e?.copy?.eventId ?? '');
    expect(viaMirror?.via?.rule).toBe('mirror');
    expect(viaMirror?.eventId).toBe(e?.eventId);
  });

  it('part of a word, or a search Google refuses, still finds the event (one bounded page of each calendar)', async () => {
    emu.injectFaults({ method: 'GET', pathIncludes: 'q=', status: 400 });
    try {
      const [e] = await explain('entis');
      expect(e?.summary).toBe('Dentist');
    } finally {
      emu.clearFaults();
    }
  });

  it('focus time is skipped, with the reason', async () => {
    const [e] = await explain('Focus time');
    expect(e?.decision).toMatchObject({ action: 'skip', reason: 'focusTime events are personal' });
    expect(e?.copy).toBeUndefined();
  });

  it('a copy deleted on Google shows as missing, and the text output says so; nothing is written', async () => {
    const before = writes();
    const copy = emu
      .listEvents(personal)
      .find((x) => x.extendedProperties?.private?.calsyncRule === 'birthday');
    emu.cancelEvent(personal, copy?.id ?? '');
    const res = await cli.run(['explain', "Sam's birthday"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`calendar:     ${personal}`);
    expect(res.stdout).toContain('is deleted on Google');
    expect(writes()).toBe(before);
  });

  it('an event whose write failed waits for a retry, and says why', async () => {
    emu.seedEvent(personal, {
      summary: 'Piano lesson',
      start: { dateTime: '2030-01-02T10:00:00Z' },
      end: { dateTime: '2030-01-02T11:00:00Z' },
    });
    emu.injectFaults({
      method: 'PUT',
      pathIncludes: `/calendars/${personal}/events/`,
      status: 400,
      times: 1,
    });
    expect((await cli.run(['poll'])).code).toBe(1);
    const [e] = await explain('Piano lesson');
    expect(e?.waiting?.reason).toBe('badRequest');
    expect(e?.decision.action).toBe('invite');
    const text = await cli.run(['explain', 'Piano lesson']);
    expect(text.stdout).toMatch(/waiting: +retried at the next poll \(badRequest; 1 attempt since/);
  });

  it('nothing matching exits 1; no argument exits 2', async () => {
    const none = await cli.run(['explain', 'no such event anywhere']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no event matches');
    // The hint says what works and where it looked, not a command that lists ids only.
    expect(none.stderr).toContain(
      'give words of its title as Google Calendar shows them, or its event id; searched: ',
    );
    expect(none.stderr).not.toContain('poll --dry-run');
    expect((await cli.run(['explain'])).code).toBe(2);
  });
});
