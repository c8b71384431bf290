/**
 * Only the file of the command that runs is loaded (src/cli/commands.ts):
 * `--profile <name>` is the root's one option with a value, and its value is
 * never taken for the command.
 */
import { describe, expect, it } from 'vitest';
import { commandsFor } from '../src/cli/commands.js';

const names = (args: string[]): string[] => commandsFor(args).map((c) => c.names[0] ?? '');

describe('the commands a command line loads', () => {
  it.each([
    [['--profile', 'club', 'config', 'path'], ['config']],
    [['--json', '--profile', 'health', 'poll'], ['poll']],
    [['systemd', 'install', '--profile', 'club'], ['systemd']],
    [['--profile=club', 'auth', 'a@b.test'], ['auth']],
  ])('%j loads only %j', (args, expected) => {
    expect(names(args)).toEqual(expected);
  });

  it('a profile named like a command, with no command after it, loads them all (help and usage errors read the same)', () => {
    expect(names(['--profile', 'poll']).length).toBeGreaterThan(5);
  });
});
