import { CommanderError } from 'commander';
import { CalsyncError, ExitCode, errorMessage } from '../errors.js';
import { redact } from '../util/log.js';

/**
 * The one place that turns an error into an exit status and the line a user
 * reads. Unexpected errors print one line; the stack only with --verbose.
 */
export function reportError(
  err: unknown,
  verbose: boolean,
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (see configureOutput in main.ts).
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof CalsyncError) {
    write(redact(`calsync: ${err.message}`));
    if (err.hint) write(redact(`  ${err.hint}`));
    if (verbose && err.cause) write(redact(`  cause: ${errorMessage(err.cause)}`));
    return err.exitCode;
  }
  write(redact(`calsync: unexpected error: ${errorMessage(err)}`));
  if (verbose && err instanceof Error && err.stack) write(redact(err.stack));
  else write('  run again with --verbose for details');
  return ExitCode.failed;
}
