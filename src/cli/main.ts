import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { reportError } from './exit.js';
import { registerCommands } from './commands.js';

function packageVersion(): string {
  const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

/** The program with the commands `argv` needs (all of them when `argv` is not given). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('calsync')
    .description('Keep several Google Calendar accounts in sync with one shared calendar.')
    .version(packageVersion(), '-V, --version')
    .option('--json', 'print one JSON document on stdout')
    .option('-v, --verbose', 'debug logging on stderr (stack traces included)')
    .option('-q, --quiet', 'only errors on stderr (what a command prints on stdout stays)')
    .option('--no-color', 'no colour (also NO_COLOR)')
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

/** Runs the CLI; resolves to the process exit status. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0;
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    return reportError(err, verbose);
  }
}
