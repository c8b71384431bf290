/**
 * `calsync purge`: removes every copy and mirror calsync made and every
 * invitee it added, found on Google by their markers. Exit 0 all removed,
 * 1 some failed (listed), 2 usage.
 */
import type { Command } from 'commander';
import { applyLogLevel, globalOptions, printJson } from './globals.js';
import { reportedExitCode, withStopSignals } from './stop-signals.js';
import { startSpinner } from './spinner.js';

interface PurgeFlags {
  dryRun?: boolean;
  calendar?: string[];
  forget?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Timers still installed poll again and make everything anew: say so (on stderr, once). For a profile: its instances. */
async function warnIfTimersInstalled(): Promise<void> {
  const [{ planUninstall }, { log }, { resolveConfigDir }] = await Promise.all([
    import('../systemd/uninstall.js'),
    import('../util/log.js'),
    import('../config/index.js'),
  ]);
  const profile = resolveConfigDir().profile?.name;
  for (const mode of ['user', 'system'] as const) {
    const plan = await planUninstall({ mode, ...(profile !== undefined ? { profile } : {}) });
    // A profile's own drop-ins say its instances are installed; the templates alone may be another profile's.
    const installed =
      profile === undefined ? plan.units.length > 0 : plan.units.some((u) => u.includes(`@${profile}.`));
    if (installed)
      log.warn(
        `calsync's ${mode} systemd units${profile === undefined ? '' : ` of profile ${profile}`} are still installed in ${plan.dir}: the next timed poll makes everything again; run: calsync ${profile === undefined ? '' : `--profile ${profile} `}systemd uninstall${mode === 'system' ? ' --system' : ''}`,
      );
  }
}

export function registerPurge(program: Command): void {
  program
    .command('purge')
    .description(
      'remove every copy and mirror calsync made and every invitee it added (found on Google, also without the state); stop the push channels',
    )
    .option(
      '--dry-run',
      'print what would be removed (counts per calendar; --json: every event); write nothing',
    )
    .option('--calendar <id>', 'only this calendar (repeatable)', collect)
    .option(
      '--forget',
      'then remove the state, webhook token and health memory (never tokens or config.json)',
    )
    .addHelpText(
      'after',
      '\nWithout --forget the state drops what was removed and keeps the rest (what a person removed stays\n' +
        'respected): the next poll lists those calendars in full and shares everything again. To keep it\n' +
        'unshared, stop the timers first (calsync systemd uninstall).',
    )
    .action(async (flags: PurgeFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const [{ loadSettings }, { runPurge }, { renderPurgeReport }] = await Promise.all([
        import('../config/index.js'),
        import('../purge/run.js'),
        import('../purge/render.js'),
      ]);
      const { settings } = loadSettings();
      applyLogLevel(g, settings.logLevel);
      const spinner = await startSpinner(g, 'purging');
      try {
        await withStopSignals('purge', async (stop) => {
          const report = await runPurge({
            settings,
            calendars: flags.calendar,
            dryRun: flags.dryRun,
            forget: flags.forget,
            stop,
            onProgress: (message) => {
              if (spinner) spinner.text = message;
            },
          });
          spinner?.stop();
          // After a stop nothing more is asked of anyone: the report says what was done.
          if (!report.dryRun && !stop.aborted) await warnIfTimersInstalled();
          // Stopped: the code the process exits with (143, 130), not its own failure's 1.
          if (g.json) printJson({ ...report, exitCode: reportedExitCode(stop, report.exitCode) });
          else if (!g.quiet || report.exitCode !== 0) process.stdout.write(renderPurgeReport(report));
          process.exitCode = report.exitCode;
        });
      } finally {
        spinner?.stop();
      }
    });
}
