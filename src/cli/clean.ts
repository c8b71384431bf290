import type { Command } from 'commander';
import { loadSettings, parseDuration } from '../config/index.js';
import { renderCleanReport, runClean } from '../clean/run.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';
import { withStopSignals } from './stop-signals.js';

interface CleanFlags {
  olderThan: string;
  dryRun?: boolean;
}

export function registerClean(program: Command): void {
  program
    .command('clean')
    .description(
      'drop state entries of events that ended more than the given time ago (open-ended series and pending retries stay)',
    )
    .option('--older-than <duration>', 'age of the event end: a whole number and s, m, h, d or w', '30d')
    .option('--dry-run', 'print what would be removed; write nothing')
    .action(async (flags: CleanFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const olderThanMs = parseDuration(flags.olderThan);
      const { settings } = loadSettings({ env: process.env });
      applyLogLevel(g, settings.logLevel);
      await withStopSignals('clean', async (signal) => {
        const report = await runClean({
          configDir: settings.configDir,
          olderThanMs,
          dryRun: flags.dryRun === true,
          signal,
        });
        if (g.json) printJson(report);
        else process.stdout.write(renderCleanReport(report, flags.olderThan));
      });
    });
}
