/**
 * Profiles through the built binary: `--profile <name>` and CALSYNC_PROFILE
 * select `<config root>/profiles/<name>`, a whole separate install (settings,
 * tokens, state), for commander's command lines and the timer's fast path
 * alike; a token is shared with `auth --from-profile`.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { samples, startEmulator, type Emulator } from '../src/emulator/index.js';
import { parseState, type State } from '../src/state/index.js';
import { cliEnv, type CliEnv } from './helpers/cli.js';
import { at } from './helpers/world.js';

const ALICE = 'alice@example.test';
const CAROL = 'carol@example.test';
const FAMILY = 'family@group.calendar.test';
const CLUB = 'club@group.calendar.test';
const PACKAGE_DIR = resolve(import.meta.dirname, '..');

let emu: Emulator | undefined;
let cli: CliEnv | undefined;
afterEach(async () => {
  await emu?.close();
  cli?.cleanup();
  emu = undefined;
  cli = undefined;
});

/** An emulator with two households' calendars, and the root install holding both source tokens. */
async function twoHouseholds(): Promise<{ emu: Emulator; cli: CliEnv }> {
  emu = await startEmulator({ quotaPerMinute: null });
  for (const a of [ALICE, CAROL, FAMILY, CLUB]) emu.addAccount(a);
  emu.addCalendar(FAMILY, { owner: FAMILY, writers: [ALICE], readers: [], summary: 'Family' });
  emu.addCalendar(CLUB, { owner: CLUB, writers: [CAROL], readers: [], summary: 'Club' });
  cli = cliEnv(emu);
  // The install without a profile signed both in once; the profiles take their tokens from it.
  cli.writeToken(ALICE, emu.authorizedUser(ALICE));
  cli.writeToken(CAROL, emu.authorizedUser(CAROL));
  return { emu, cli };
}

function stateOf(dir: string): State | undefined {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return undefined;
  const parsed = parseState(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${parsed.problem}`);
  return parsed.state;
}

async function ok(c: CliEnv, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const r = await c.run(args, env);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('profiles (built binary)', () => {
  it('two profiles on one machine each keep their own settings, tokens and state, and sync their own shared calendar', async () => {
    const { emu, cli } = await twoHouseholds();
    const family = join(cli.dir, 'profiles', 'family');
    const club = join(cli.dir, 'profiles', 'club');
    // The flag for one profile, the variable for the other.
    await ok(cli, ['--profile', 'family', 'config', 'set', 'sourceCalendars', ALICE]);
    await ok(cli, ['config', 'set', 'inviteEmail', FAMILY, '--profile=family']);
    await ok(cli, ['config', 'set', 'sourceCalendars', CAROL], { CALSYNC_PROFILE: 'club' });
    await ok(cli, ['config', 'set', 'inviteEmail', CLUB], { CALSYNC_PROFILE: 'club' });
    await ok(cli, ['--profile', 'family', 'auth', ALICE, '--from-profile', 'default']);
    await ok(cli, ['auth', CAROL, '--from-profile', 'default'], { CALSYNC_PROFILE: 'club' });

    emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(2, 9), end: at(2, 10) }));
    emu.seedEvent(CAROL, samples.meeting({ summary: 'Training', start: at(2, 18), end: at(2, 19) }));
    await ok(cli, ['--profile', 'family', 'poll']);
    await ok(cli, ['poll'], { CALSYNC_PROFILE: 'club' });

    const guests = (account: string, summary: string) =>
      emu
        .listEvents(account)
        .find((e) => e.summary === summary)
        ?.attendees?.map((a) => a.email);
    expect(guests(ALICE, 'Dentist')).toEqual([FAMILY]);
    expect(guests(CAROL, 'Training')).toEqual([CLUB]);
    // Each profile's state knows its own calendar only; the install without a profile polled nothing.
    expect(Object.keys(stateOf(family)?.calendars ?? {})).toEqual([ALICE]);
    expect(Object.keys(stateOf(club)?.calendars ?? {})).toEqual([CAROL]);
    expect(stateOf(cli.dir)).toBeUndefined();
    expect(JSON.parse(readFileSync(join(family, 'config.json'), 'utf8'))).toMatchObject({
      sourceCalendars: [ALICE],
      inviteEmail: FAMILY,
    });
    // The copied token is as private as a signed-in one, and the access-token cache is each profile's own.
    expect(statSync(join(family, 'tokens', `${ALICE}.json`)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(family, 'tokens', `${CAROL}.json`))).toBe(false);
    expect(existsSync(join(cli.dir, 'tokens', `${ALICE}.access.json`))).toBe(false);

    // config show and config path say which profile and dir.
    const shown = JSON.parse(await ok(cli, ['--profile', 'club', 'config', 'show', '--json'])) as Record<
      string,
      { value: unknown; source: string; from: string }
    >;
    expect(shown.profile).toEqual({ value: 'club', source: 'flag', from: '--profile' });
    expect(shown.configDir?.value).toBe(club);
    expect(shown.inviteEmail?.value).toBe(CLUB);
    const none = JSON.parse(await ok(cli, ['config', 'path', '--json'])) as Record<string, unknown>;
    expect(none).toMatchObject({ profile: null, configDir: cli.dir, configRoot: cli.dir });
  });

  it('--profile and CALSYNC_PROFILE agree, the flag wins over the variable, and a bad name exits 2 with the fix', async () => {
    const { cli } = await twoHouseholds();
    const byFlag = await ok(cli, ['--profile', 'club', 'config', 'path', '--json']);
    const byVariable = await ok(cli, ['config', 'path', '--json'], { CALSYNC_PROFILE: 'club' });
    expect(JSON.parse(byVariable)).toEqual(JSON.parse(byFlag));
    expect(JSON.parse(byFlag)).toMatchObject({
      profile: 'club',
      configDir: join(cli.dir, 'profiles', 'club'),
      stateFile: join(cli.dir, 'profiles', 'club', 'state.json'),
    });
    const both = JSON.parse(
      await ok(cli, ['config', 'path', '--json', '--profile', 'family'], { CALSYNC_PROFILE: 'club' }),
    ) as { profile: string };
    expect(both.profile).toBe('family');

    for (const [args, env] of [
      [['--profile', '../etc', 'poll'], {}],
      [['poll', '--profile=Club'], {}],
      [['--profile', 'default', 'config', 'path'], {}],
      [['poll', '--profile='], {}],
      [['poll'], { CALSYNC_PROFILE: 'a/b' }],
      [['config', 'show'], { CALSYNC_PROFILE: 'x%i' }],
    ] as const) {
      const r = await cli.run([...args], env);
      expect(r.code, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(
        /(--profile|CALSYNC_PROFILE)[ =]".*": .*(lower-case letters|without a profile)/,
      );
      expect(r.stderr.split('\n')[1]).toMatch(/^ {2}\S/);
    }
    expect(existsSync(join(cli.dir, 'profiles'))).toBe(false);
  });

  it("a timer's poll with --profile takes the fast path: no commander, at most five of calsync's files", async () => {
    const { emu, cli } = await twoHouseholds();
    await ok(cli, ['--profile', 'family', 'config', 'set', 'sourceCalendars', ALICE]);
    await ok(cli, ['--profile', 'family', 'config', 'set', 'inviteEmail', FAMILY]);
    await ok(cli, ['--profile', 'family', 'auth', ALICE, '--from-profile', 'default']);
    emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(2, 9), end: at(2, 10) }));
    await ok(cli, ['--profile', 'family', 'poll']);
    await ok(cli, ['--profile', 'family', 'poll']);

    const record = join(cli.dir, 'loaded-modules.txt');
    const env = {
      NODE_OPTIONS: `--import ${join(import.meta.dirname, 'helpers', 'loaded-modules.mjs')}`,
      CALSYNC_TEST_LOADED_MODULES: record,
    };
    const loaded = (): string[] => {
      const lines = readFileSync(record, 'utf8').split('\n').filter(Boolean);
      writeFileSync(record, '');
      return [...new Set(lines.map((l) => (l.startsWith('file:') ? fileURLToPath(l) : l)))];
    };
    // As the instance unit runs it, and as a person would type it.
    for (const args of [
      ['--profile', 'family', 'poll'],
      ['poll', '--profile=family'],
    ]) {
      const before = stateOf(join(cli.dir, 'profiles', 'family'))?.calendars[ALICE]?.lastSuccessAt;
      await ok(cli, args, env);
      const files = loaded();
      expect(files.filter((p) => /[/\\]commander[/\\]/.test(p))).toEqual([]);
      const own = files.filter((p) => p.startsWith(PACKAGE_DIR) && !p.includes('node_modules'));
      expect(own.length).toBeLessThanOrEqual(5);
      // It polled the profile's calendar, not the config root's (which has no settings).
      expect(stateOf(join(cli.dir, 'profiles', 'family'))?.calendars[ALICE]?.lastSuccessAt).not.toBe(before);
    }
  });

  it('auth --from-profile refuses a token file others can read, and auth --remove keeps a grant another profile holds', async () => {
    const { cli } = await twoHouseholds();
    const rootToken = join(cli.dir, 'tokens', `${ALICE}.json`);
    chmodSync(rootToken, 0o644);
    const loose = await cli.run(['--profile', 'family', 'auth', ALICE, '--from-profile', 'default']);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain(`chmod 600 ${rootToken}`);
    expect(existsSync(join(cli.dir, 'profiles', 'family', 'tokens', `${ALICE}.json`))).toBe(false);

    chmodSync(rootToken, 0o600);
    await ok(cli, ['--profile', 'family', 'auth', ALICE, '--from-profile', 'default']);
    const missing = await cli.run(['--profile', 'club', 'auth', ALICE, '--from-profile', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(cli.dir, 'profiles', 'nobody', 'tokens', `${ALICE}.json`));

    const removed = JSON.parse(
      await ok(cli, ['--profile', 'family', 'auth', '--remove', ALICE, '--json']),
    ) as {
      revocation: string;
      note: string;
    };
    expect(removed.revocation).toBe('shared');
    expect(removed.note).toContain('default');
    // The install without a profile still refreshes with it.
    const list = await cli.run(['auth', '--list', '--json']);
    expect(list.stdout).toContain(ALICE);
    expect((JSON.parse(list.stdout) as { accounts: { account: string; status: string }[] }).accounts).toEqual(
      expect.arrayContaining([expect.objectContaining({ account: ALICE, status: 'ok' })]),
    );
  });

  it('demo runs as always with a profile selected, and writes nothing to the profile', async () => {
    const { cli } = await twoHouseholds();
    const demo = await cli.run(['--profile', 'family', 'demo'], { CALSYNC_PROFILE: 'club' });
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/What to try next/);
    expect(existsSync(join(cli.dir, 'profiles'))).toBe(false);
  });
});
