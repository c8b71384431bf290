import type { Command } from 'commander';
import { terminalText } from '../util/terminal-text.js';
import { loadSettings } from '../config/index.js';
import type { ChannelOutcome, WatchReport } from '../push/watch.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';
import { reportedExitCode, withStopSignals } from './stop-signals.js';

interface WatchFlags {
  stop?: boolean;
  force?: boolean;
}

function describe(c: ChannelOutcome): string {
  switch (c.action) {
    case 'created':
      return `channel created, expires ${c.expiresAt ?? '?'}`;
    case 'renewed':
      return `channel renewed, expires ${c.expiresAt ?? '?'}; old channel ${c.stopWarning ? `not stopped (${c.stopWarning})` : 'stopped'}`;
    case 'kept':
      return `channel kept, expires ${c.expiresAt ?? '?'}`;
    case 'stopped':
      return 'channel stopped';
    case 'none':
      return 'no channel';
    case 'failed':
      return `FAILED: ${c.error ?? 'unknown error'}`;
  }
}

export function renderWatchReport(report: WatchReport): string {
  if (report.calendars.length === 0) return 'no source calendars\n';
  // Google's error messages quote request data: escaped, like every text calsync did not write.
  return report.calendars.map((c) => `${terminalText(`${c.calendarId}: ${describe(c)}`, 1000)}\n`).join('');
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description(
      'create or renew push channels for every source calendar (those expiring within 60 h), stop replaced ones',
    )
    .option('--stop', 'stop every channel instead')
    .option('--force', 'renew every channel, however long it still lives')
    .action(async (flags: WatchFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const { settings } = loadSettings({ env: process.env });
      applyLogLevel(g, settings.logLevel);
      // The Google client library loads only for commands that talk to Google.
      const { runWatch } = await import('../push/watch.js');
      await withStopSignals('watch', async (signal) => {
        const report = await runWatch({
          settings,
          stop: flags.stop === true,
          force: flags.force === true,
          signal,
        });
        // Stopped: the code the process exits with (143, 130), not its own failure's 1.
        if (g.json) printJson({ ...report, exitCode: reportedExitCode(signal, report.exitCode) });
        else process.stdout.write(renderWatchReport(report));
        process.exitCode = report.exitCode;
      });
    });
}
