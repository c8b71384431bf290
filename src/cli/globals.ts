import type { Command } from 'commander';
import { setLogLevel, type LogLevel } from '../util/log.js';

/** Options every command accepts (defined on the root program). */
export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
  /** `--profile <name>`: the config dir `<config root>/profiles/<name>` (checked by selectProfile). */
  profile: string | undefined;
}

/** The root program's options, as commander defines them and the timer's fast path reads them. */
export const GLOBAL_OPTIONS = [
  { flags: '--json', key: 'json', value: true, description: 'print one JSON document on stdout' },
  {
    flags: '-v, --verbose',
    key: 'verbose',
    value: true,
    description: 'debug logging on stderr (stack traces included)',
  },
  {
    flags: '-q, --quiet',
    key: 'quiet',
    value: true,
    description: 'only errors on stderr (what a command prints on stdout stays)',
  },
  { flags: '--no-color', key: 'color', value: false, description: 'no colour (also NO_COLOR)' },
] as const;

/** The root program's one option with a value; the fast path reads `--profile <name>` and `--profile=<name>`. */
export const PROFILE_OPTION = {
  flags: '--profile <name>',
  key: 'profile',
  description:
    'use the profile <name>: the config dir <config root>/profiles/<name>, a separate install (also CALSYNC_PROFILE)',
} as const;

export function globalOptions(cmd: Command): GlobalOptions {
  return resolveGlobals(cmd.optsWithGlobals<Partial<GlobalOptions>>());
}

/** The options as given (absent ones undefined), with NO_COLOR and --json taken into account. */
export function resolveGlobals(o: Partial<GlobalOptions>): GlobalOptions {
  return {
    json: o.json === true,
    verbose: o.verbose === true,
    quiet: o.quiet === true,
    color: o.color !== false && !process.env.NO_COLOR && o.json !== true,
    profile: o.profile,
  };
}

/** The log level flags ask for, if any (flags beat CALSYNC_LOG_LEVEL). */
export function flagLogLevel(g: GlobalOptions): LogLevel | undefined {
  if (g.verbose) return 'debug';
  if (g.quiet) return 'error';
  return undefined;
}

export function applyLogLevel(g: GlobalOptions, configured: LogLevel): void {
  setLogLevel(flagLogLevel(g) ?? configured);
}

/** Prints one JSON document on stdout (the --json contract). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
