/**
 * `calsync poll`: one sync cycle over the source calendars. Exit 0 when all
 * was done, 1 when an event or calendar failed (retried at the next poll),
 * 2 for usage or configuration errors.
 */
import type { Command } from 'commander';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

interface PollFlags {
  dryRun?: boolean;
  calendar?: string[];
  fullResync?: boolean;
  retryFailed?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerPollCommand(program: Command): void {
  program
    .command('poll')
    .description('run one sync cycle over every source calendar')
    .option('--dry-run', 'print the plan; write nothing to Google or the state')
    .option('--calendar <id>', 'only this source calendar (repeatable)', collect)
    .option('--full-resync', 'ignore the stored sync tokens and list everything again')
    .option('--retry-failed', 'also retry events parked because Google kept refusing them')
    .action(async (flags: PollFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      // Loaded here, not at start-up: the Google client is only for commands that call Google.
      const [{ loadSettings }, { runPoll }, { formatPollReport, NO_PAINT }] = await Promise.all([
        import('../config/index.js'),
        import('../sync/poll.js'),
        import('./poll-output.js'),
      ]);
      const { settings } = loadSettings();
      applyLogLevel(g, settings.logLevel);
      // A terminal that reports no width (e.g. `script` without a size) makes ora redraw forever: no spinner there.
      const spinner =
        process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 && !g.json && !g.quiet && g.color
          ? (await import('ora')).default({ stream: process.stderr }).start('polling')
          : undefined;
      try {
        const report = await runPoll({
          settings,
          calendars: flags.calendar,
          dryRun: flags.dryRun,
          fullResync: flags.fullResync,
          retryFailed: flags.retryFailed,
          trigger: 'cli',
          onProgress: (message) => {
            if (spinner) spinner.text = message;
          },
        });
        spinner?.stop();
        if (g.json) printJson(report);
        // --quiet silences stderr below errors, as for every command; the report on stdout stays.
        else {
          // A timer's poll writes to a journal, not a terminal: no colours, and chalk stays unloaded.
          const paint =
            g.color && process.stdout.isTTY ? new (await import('chalk')).Chalk({ level: 1 }) : NO_PAINT;
          process.stdout.write(
            formatPollReport(report, { paint, showActions: g.verbose || flags.dryRun === true }),
          );
        }
        process.exitCode = report.exitCode;
      } finally {
        spinner?.stop();
      }
    });
}
