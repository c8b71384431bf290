/**
 * The whole command line, parsed by commander: every command, its --help and
 * its usage errors. main.ts comes here for everything but a timer's poll.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode } from '../errors.js';
import { reportError } from './exit.js';
import { registerCommands } from './commands.js';
import { selectProfile } from '../config/paths.js';
import { GLOBAL_OPTIONS, PROFILE_OPTION, globalOptions } from './globals.js';

function packageVersion(): string {
  const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

/** The program with the commands `argv` needs (all of them when `argv` is not given). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('calsync')
    .description('Keep several Google Calendar accounts in sync with one shared calendar.')
    .version(packageVersion(), '-V, --version');
  for (const o of GLOBAL_OPTIONS) program.option(o.flags, o.description);
  program.option(PROFILE_OPTION.flags, PROFILE_OPTION.description);
  // Before any command reads a setting: the profile chooses the config dir every command uses.
  program.hook('preAction', (_root, action) => selectProfile(globalOptions(action).profile));
  program
    .showHelpAfterError(false)
    // Every command's --help lists --json, --verbose, --quiet and --no-color too (subcommands inherit this).
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true)
    .exitOverride();
  await registerCommands(program, argv.slice(2));
  applyUsageErrorStyle(program, '');
  return program;
}

/** Usage errors: one line that says what is wrong and which --help to read. */
function applyUsageErrorStyle(cmd: Command, parent: string): void {
  const path = parent ? `${parent} ${cmd.name()}` : cmd.name();
  cmd.exitOverride().configureOutput({
    outputError: (str, write) => {
      const [first = str.trim(), ...rest] = str.trim().split('\n');
      // commander puts its "(Did you mean poll?)" on a second line: keep it, on the one line.
      const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
      const didYouMean = suggestion ? `; did you mean ${suggestion}?` : '';
      write(`calsync: ${first.replace(/^error: /, '')}${didYouMean} (see '${path} --help')\n`);
    },
  });
  for (const sub of cmd.commands) applyUsageErrorStyle(sub, path);
}

/** Parses `argv` with commander and runs the command; resolves to the exit status. */
export async function runProgram(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // commander already printed its message (see applyUsageErrorStyle); --help and --version end as 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    return reportError(err, verbose);
  }
}
