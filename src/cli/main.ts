import { selectProfile } from '../config/paths.js';
import { reportError } from './exit.js';
import { parseTimerPoll } from './fast-path.js';

/**
 * Runs the CLI; resolves to the process exit status. A timer's `calsync poll`
 * runs without loading commander (see fast-path.ts); every other command line
 * goes through commander (program.ts). Each loads only what it runs.
 */
export async function main(argv: string[]): Promise<number> {
  const timer = parseTimerPoll(argv.slice(2));
  if (!timer) return (await import('./program.js')).runProgram(argv);
  try {
    selectProfile(timer.globals.profile);
    await (await import('./poll.js')).runPollCommand(timer.flags, timer.globals);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err, timer.globals.verbose);
  }
}
