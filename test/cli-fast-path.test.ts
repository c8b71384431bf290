/**
 * A timer's `calsync poll` is read without commander (src/cli/fast-path.ts).
 * Each command line it takes must mean to it what it means to commander:
 * the same flags and global options. It may leave any line to commander.
 */
import { CommanderError, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseTimerPoll } from '../src/cli/fast-path.js';
import { globalOptions, type GlobalOptions } from '../src/cli/globals.js';
import type { PollFlags } from '../src/cli/poll-switches.js';
import { buildProgram } from '../src/cli/program.js';

type Parsed = { flags: PollFlags; globals: GlobalOptions } | 'usage error';

/** What commander makes of `args`, with the real program and poll's action replaced by a recorder. */
async function commanderReads(args: string[]): Promise<Parsed> {
  const argv = ['node', 'calsync', ...args];
  const program = await buildProgram(argv);
  const silent = (cmd: Command): void => {
    cmd.configureOutput({
      writeErr: () => undefined,
      writeOut: () => undefined,
      outputError: () => undefined,
    });
    cmd.commands.forEach(silent);
  };
  silent(program);
  let parsed: Parsed | undefined;
  program.commands
    .find((c) => c.name() === 'poll')
    ?.action((flags: PollFlags, cmd: Command) => {
      parsed = { flags: { ...flags }, globals: globalOptions(cmd) };
    });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return 'usage error';
    throw err;
  }
  if (!parsed) throw new Error(`commander ran no poll for ${args.join(' ')}`);
  return parsed;
}

const TAKEN = [
  ['poll'],
  ['poll', '--dry-run'],
  ['poll', '--full-resync', '--retry-failed'],
  ['poll', '--retry-failed', '--dry-run', '--full-resync'],
  ['--json', 'poll'],
  ['poll', '--json'],
  ['-q', 'poll', '-v'],
  ['--quiet', 'poll', '--verbose', '--no-color'],
  ['poll', '--no-color', '--no-color'],
  ['poll', '--dry-run', '--dry-run'],
  ['--profile', 'club', 'poll'],
  ['poll', '--profile', 'club'],
  ['poll', '--profile=club', '--dry-run'],
  ['--json', '--profile', 'home-2_b', 'poll', '-q'],
  ['--profile', 'a', 'poll', '--profile=b'],
];

const LEFT_TO_COMMANDER = [
  [],
  ['--version'],
  ['-V'],
  ['--help'],
  ['poll', '--help'],
  ['poll', '-h'],
  ['--dry-run', 'poll'],
  ['poll', 'poll'],
  ['poll', 'extra'],
  ['poll', '--calendar', 'a@example.com'],
  ['poll', '--calendar=a@example.com'],
  ['poll', '-qv'],
  ['poll', '--dry-rn'],
  ['poll', '--dry-run=yes'],
  ['poll', '--'],
  ['pol'],
  ['health-check'],
  ['--profile', 'poll'],
  ['poll', '--profile'],
  ['poll', '--profile', 'Club'],
  ['poll', '--profile='],
  ['poll', '--profile', '-v'],
  ['--profile', 'default', 'poll'],
  ['--profile', 'club', 'health-check'],
];

/** Lines commander answers with a usage error: the error must stay commander's. */
const REFUSED = [
  ['--dry-run', 'poll'],
  ['poll', 'poll'],
  ['poll', 'extra'],
  ['poll', '--dry-rn'],
  ['poll', '--dry-run=yes'],
  ['poll', '-x'],
  ['--no-colour', 'poll'],
  ['poll', '--profile'],
];

/** Lines whose profile name the root program's hook refuses (selectProfile: a UsageError, exit 2). */
const BAD_PROFILE = [
  ['poll', '--profile', 'Club'],
  ['poll', '--profile='],
  ['--profile', 'default', 'poll'],
];

describe('the fast path reads a timer poll as commander does', () => {
  it.each(TAKEN.map((a) => [a]))('takes %j, with the flags and options commander gives', async (args) => {
    const fast = parseTimerPoll(args);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await commanderReads(args));
  });

  it.each(LEFT_TO_COMMANDER.map((a) => [a]))('leaves %j to commander', (args) => {
    expect(parseTimerPoll(args)).toBeUndefined();
  });

  it.each(REFUSED.map((a) => [a]))('leaves %j, which commander refuses, to commander', async (args) => {
    expect(await commanderReads(args)).toBe('usage error');
    expect(parseTimerPoll(args)).toBeUndefined();
  });

  it.each(BAD_PROFILE.map((a) => [a]))(
    'leaves %j, whose profile name commander refuses (exit 2), to commander',
    async (args) => {
      await expect(commanderReads(args)).rejects.toMatchObject({ name: 'UsageError', exitCode: 2 });
      expect(parseTimerPoll(args)).toBeUndefined();
    },
  );

  it('NO_COLOR and --json turn colour off as they do through commander', async () => {
    const saved = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      expect(parseTimerPoll(['poll'])?.globals.color).toBe(false);
      expect(parseTimerPoll(['poll'])).toEqual(await commanderReads(['poll']));
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
    expect(parseTimerPoll(['--json', 'poll'])?.globals.color).toBe(false);
  });
});
