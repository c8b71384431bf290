/**
 * `calsync poll`: one sync cycle over the source calendars. Exit 0 when all
 * was done, 1 when an event or calendar failed (retried at the next poll),
 * 2 for usage or configuration errors.
 */
import type { Command } from 'commander';
import type { Ora } from 'ora';
import type { LoadedSettings, Settings } from '../config/types.js';
import type { WriteProgress } from '../sync/poll-run.js';
import { applyLogLevel, globalOptions, printJson, type GlobalOptions } from './globals.js';
import { POLL_SWITCHES, type PollFlags } from './poll-switches.js';
import { startSpinner } from './spinner.js';
import { reportedExitCode, withStopSignals } from './stop-signals.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export type PollCommand = (flags: PollFlags, g: GlobalOptions) => Promise<void>;

export function registerPollCommand(program: Command, run: PollCommand = runPollCommand): void {
  const poll = program.command('poll').description('run one sync cycle over every source calendar');
  const [dryRun, ...others] = POLL_SWITCHES;
  poll.option(dryRun.flags, dryRun.description);
  poll.option('--calendar <id>', 'only this source calendar (repeatable)', collect);
  for (const o of others) poll.option(o.flags, o.description);
  poll.action((flags: PollFlags, cmd: Command) => run(flags, globalOptions(cmd)));
}

/** What `calsync poll` does once its command line is parsed (by commander, or by the timer's fast path). */
export async function runPollCommand(flags: PollFlags, g: GlobalOptions): Promise<void> {
  // Loaded here, not at start-up: the Google client is only for commands that call Google.
  const { loadSettings, sharedCalendarError } = await import('../config/index.js');
  const { settings } = await loadSettingsOfPoll(() => {
    const loaded = loadSettings();
    // Here, not only in runPoll, for the message that names the file and key.
    const error = sharedCalendarError(loaded);
    if (error) throw error;
    return loaded;
  }, flags);
  applyLogLevel(g, settings.logLevel);
  const spinner = await startSpinner(g, 'polling');
  try {
    // SIGINT and SIGTERM stop it cleanly: what is done is saved, the report printed, exit 130 or 143.
    await withStopSignals('poll', (stop) => pollAndReport(settings, flags, g, spinner, stop));
  } finally {
    spinner?.stop();
  }
}

async function pollAndReport(
  settings: Settings,
  flags: PollFlags,
  g: GlobalOptions,
  spinner: Ora | undefined,
  stop: AbortSignal,
): Promise<void> {
  const [{ runPoll }, { formatPollReport, progressLine, NO_PAINT }] = await Promise.all([
    import('../sync/poll.js'),
    import('./poll-output.js'),
  ]);
  // On a terminal, each calendar's writes as they go, under the spinner.
  const progress = new Map<string, string>();
  const show = () => {
    if (spinner && progress.size > 0) spinner.text = [...progress.values()].join('\n');
  };
  const report = await runPoll({
    settings,
    calendars: flags.calendar,
    dryRun: flags.dryRun,
    fullResync: flags.fullResync,
    retryFailed: flags.retryFailed,
    trigger: 'cli',
    stop,
    onProgress: (message) => {
      if (spinner && progress.size === 0) spinner.text = message;
    },
    ...(spinner
      ? {
          onWrites: (calendarId: string, p: WriteProgress) => {
            progress.set(calendarId, progressLine(calendarId, p, settings.quotaUnitsPerSecond));
            show();
          },
        }
      : {}),
  });
  spinner?.stop();
  // A stopped poll's report says the code the process exits with (143, 130), not its own failure's 1.
  if (g.json) printJson({ ...report, exitCode: reportedExitCode(stop, report.exitCode) });
  // --quiet silences stderr below errors, as for every command; the report on stdout stays.
  else {
    // A timer's poll writes to a journal, not a terminal: no colours, and chalk stays unloaded.
    const paint =
      g.color && process.stdout.isTTY ? new (await import('chalk')).Chalk({ level: 1 }) : NO_PAINT;
    process.stdout.write(
      formatPollReport(report, {
        paint,
        showActions: g.verbose || flags.dryRun === true,
        pollIntervalMinutes: settings.pollIntervalMinutes,
      }),
    );
  }
  process.exitCode = report.exitCode;
}

/**
 * The poll's settings. Settings that cannot be read stop every poll: that
 * leaves a trace health-check reports as CRITICAL (state/poll-failure.ts),
 * loaded only on that path.
 */
async function loadSettingsOfPoll(load: () => LoadedSettings, flags: PollFlags): Promise<LoadedSettings> {
  try {
    return load();
  } catch (err) {
    const [{ ConfigError }, { recordPollConfigFailure }, { configDir }] = await Promise.all([
      import('../errors.js'),
      import('../state/poll-failure.js'),
      import('../config/paths.js'),
    ]);
    if (err instanceof ConfigError && flags.dryRun !== true) {
      let dir: string | undefined;
      try {
        dir = configDir(process.env);
      } catch {
        // The config dir itself is what is wrong: there is nowhere to leave the trace.
      }
      if (dir) await recordPollConfigFailure(dir, err.message, err.hint);
    }
    throw err;
  }
}
