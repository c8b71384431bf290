import type { Command } from 'commander';
import { setLogLevel, type LogLevel } from '../util/log.js';

/** Options every command accepts (defined on the root program). */
export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<Partial<GlobalOptions>>();
  return {
    json: o.json === true,
    verbose: o.verbose === true,
    quiet: o.quiet === true,
    color: o.color !== false && !process.env.NO_COLOR && o.json !== true,
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
