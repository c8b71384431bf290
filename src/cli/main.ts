import { selectProfile } from '../config/paths.js';
import { reportError } from './exit.js';
import { parseTimerPoll } from './fast-path.js';

/**
 * Runs the CLI; resolves to the process exit status. A timer's `calsync poll`
 * runs without loading commander (see fast-path.ts); every other command line
 * goes through commander (program.ts). Each loads only what it runs.
 */
export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenOutputCloses();
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

/** What a shell reports for a command killed by SIGPIPE (128 + 13), as `yes | head -1` does. */
export const CLOSED_OUTPUT_EXIT = 141;

/**
 * `calsync config show | head -1`: the reader is gone, so the rest of the
 * output has nowhere to go. Node ignores SIGPIPE and reports EPIPE as an
 * error event instead, which, unheard, crashed with "Error: write EPIPE".
 * A closed stdout ends the command quietly, with the status a Unix tool
 * killed by SIGPIPE has (stdout is written last, after the state is saved).
 * A closed stderr only loses the log lines: the work goes on.
 */
function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(CLOSED_OUTPUT_EXIT);
    throw err;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
