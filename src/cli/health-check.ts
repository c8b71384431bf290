import type { Command } from 'commander';
import { loadSettings } from '../config/index.js';
import { CalsyncError, errorMessage } from '../errors.js';
import { renderPluginOutput, type HealthReport } from '../health/report.js';
import type { HealthCheckOutcome } from '../health/run.js';
import { STATUS_EXIT_CODE } from '../health/types.js';
import { HealthCheckUsageError } from '../health/usage-error.js';
import { log, safeText } from '../util/log.js';
import { terminalText } from '../util/terminal-text.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

interface HealthCheckFlags {
  url?: string | boolean;
  alert: boolean;
  offline?: boolean;
}

export function registerHealthCheck(program: Command): void {
  program
    .command('health-check')
    .alias('health')
    .description(
      'check sync freshness, tokens, watch channels and the webhook server (Nagios plugin output; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)',
    )
    .option(
      '--url [url]',
      "also check that serve-webhook's /health answers 200 within 5 s, e.g. http://127.0.0.1:5000/health",
    )
    .option('--no-alert', 'check without sending alert mails')
    .option('--offline', 'skip the checks that need the network (token refreshes)')
    // Usage errors are checked below so they exit 3 (UNKNOWN), the Nagios convention.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      'after',
      '\nUsage errors exit 3 (UNKNOWN), so a monitoring system never reads a typo as CRITICAL.',
    )
    .action(async (flags: HealthCheckFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      let url: string | undefined;
      try {
        url = checkUsage(flags, cmd.args);
      } catch (err) {
        // A monitoring system shows stdout: "(No output)" would hide the typo.
        printUnknown(errorMessage(err), g.json);
        throw err;
      }
      let outcome: HealthCheckOutcome;
      let alertTo: string[] = [];
      try {
        const { settings } = loadSettings({ env: process.env });
        alertTo = settings.alertTo;
        applyLogLevel(g, settings.logLevel);
        const { runHealthCheck } = await import('../health/run.js');
        outcome = await runHealthCheck({
          settings,
          ...(url ? { url } : {}),
          offline: flags.offline === true,
          alert: flags.alert,
        });
      } catch (err) {
        // Without settings or state nothing could be checked: UNKNOWN, not a CLI error (with its fix: chmod 600 …).
        const hint = err instanceof CalsyncError && err.hint ? ` (${err.hint})` : '';
        printUnknown(`${errorMessage(err)}${hint}`, g.json);
        process.exitCode = STATUS_EXIT_CODE.UNKNOWN;
        return;
      }
      report(outcome, g.json, alertTo);
      process.exitCode = STATUS_EXIT_CODE[outcome.report.status];
    });
}

function checkUsage(flags: HealthCheckFlags, args: string[]): string | undefined {
  const extra = args[0];
  if (extra !== undefined) {
    const what = extra.startsWith('-') ? `unknown option '${extra}'` : `unexpected argument '${extra}'`;
    throw new HealthCheckUsageError(`health-check: ${what}`, { hint: "see 'calsync health-check --help'" });
  }
  if (flags.url === undefined) return undefined;
  if (flags.url === true || !isHttpUrl(flags.url)) {
    throw new HealthCheckUsageError(
      'health-check: --url needs an http(s) URL, e.g. http://127.0.0.1:5000/health',
    );
  }
  return flags.url;
}

function isHttpUrl(text: string | boolean): text is string {
  if (typeof text !== 'string') return false;
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function report(outcome: HealthCheckOutcome, json: boolean, alertTo: string[]): void {
  const { alert } = outcome;
  if (alert && !alert.sent) log.error(`alert mail not sent: ${alert.error ?? 'unknown error'}`);
  if (outcome.recordError) log.warn(`health status not recorded: ${outcome.recordError}`);
  // Messages may quote errors from token files or SendGrid: redact like any log line.
  if (json) printJson(JSON.parse(safeText(JSON.stringify(toJson(outcome.report, outcome)))));
  else {
    // After the plugin's first line (Nagios reads long text from the lines below it): who was told.
    const mailed = alert?.sent ? `alert mailed (${alert.kind}) to ${alertTo.join(', ')}\n` : '';
    process.stdout.write(safeText(renderPluginOutput(outcome.report) + mailed));
  }
}

function toJson(report: HealthReport, outcome: HealthCheckOutcome): unknown {
  return {
    status: report.status,
    exitCode: STATUS_EXIT_CODE[report.status],
    summary: report.summary,
    since: outcome.health?.since ?? null,
    lastPollAgeSeconds: report.lastPollAgeSeconds ?? null,
    calendars: report.calendars,
    thresholds: report.thresholds,
    problems: report.problems,
    checks: report.checks,
    alert: outcome.alert ?? null,
  };
}

function printUnknown(raw: string, json: boolean): void {
  const message = safeText(raw);
  if (json)
    printJson({
      status: 'UNKNOWN',
      exitCode: STATUS_EXIT_CODE.UNKNOWN,
      summary: message,
      problems: [],
      checks: [],
    });
  else process.stdout.write(`CALSYNC UNKNOWN - ${terminalText(message.replaceAll('|', '/'), 1000)}\n`);
}
