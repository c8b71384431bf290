import { CalsyncError, ExitCode, errorMessage } from '../errors.js';
import { safeText } from '../util/log.js';
import { terminalText } from '../util/terminal-text.js';

/** An error message often quotes Google or a file's content: redacted, then escaped and cut for the terminal. */
const MAX_LINE = 2000;
const safeLine = (text: string): string => terminalText(safeText(text), MAX_LINE);

/**
 * The one place that turns an error into an exit status and the line a user
 * reads. Unexpected errors print one line; the stack only with --verbose.
 */
export function reportError(
  err: unknown,
  verbose: boolean,
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): number {
  if (err instanceof CalsyncError) {
    write(safeLine(`calsync: ${err.message}`));
    if (err.hint) write(safeLine(`  ${err.hint}`));
    if (verbose && err.cause) write(safeLine(`  cause: ${errorMessage(err.cause)}`));
    return err.exitCode;
  }
  write(safeLine(`calsync: unexpected error: ${errorMessage(err)}`));
  // A stack is many lines on purpose: each is made safe on its own.
  if (verbose && err instanceof Error && err.stack)
    for (const line of err.stack.split('\n')) write(terminalText(safeText(line), MAX_LINE));
  else write('  run again with --verbose for details');
  return ExitCode.failed;
}
