import { lastSuccessAgeSeconds, pollThresholds, type HealthSettings } from './evaluate.js';
import { problemsOf, worstStatus } from './status.js';
import type { CheckResult, HealthStatus } from './types.js';
import type { State } from '../state/types.js';
import { terminalText } from '../util/terminal-text.js';

/** Everything one health-check found, as printed and as sent in --json. */
export interface HealthReport {
  status: HealthStatus;
  /** The text after "CALSYNC <STATUS> - ". */
  summary: string;
  /** Seconds since the oldest calendar's last successful poll (undefined: some calendar never had one). */
  lastPollAgeSeconds: number | undefined;
  calendars: number;
  thresholds: { warningSeconds: number; criticalSeconds: number };
  checks: CheckResult[];
  problems: CheckResult[];
}

/** Builds the report from every check's results (pure: the same inputs give the same lines). */
export function buildReport(
  results: CheckResult[],
  state: State | undefined,
  settings: HealthSettings,
  now: Date,
): HealthReport {
  const status = worstStatus(results);
  const problems = problemsOf(results);
  const ages = settings.sourceCalendars.map((c) =>
    state ? lastSuccessAgeSeconds(state.calendars[c], now) : undefined,
  );
  const lastPollAgeSeconds =
    ages.length > 0 && ages.every((a) => a !== undefined) ? Math.max(...ages) : undefined;
  const calendars = settings.sourceCalendars.length;
  return {
    status,
    summary: summarize(problems, calendars, lastPollAgeSeconds),
    lastPollAgeSeconds,
    calendars,
    thresholds: pollThresholds(settings.pollIntervalMinutes),
    checks: results,
    problems,
  };
}

function summarize(problems: CheckResult[], calendars: number, age: number | undefined): string {
  const first = problems[0];
  if (!first) {
    const noun = calendars === 1 ? 'calendar' : 'calendars';
    return `${calendars} ${noun} synced, last poll ${age ?? 0}s ago`;
  }
  if (problems.length === 1) return first.message;
  return `${problems.length} problems, first: ${first.message}`;
}

/**
 * Nagios/Icinga plugin output: the status line with performance data, then
 * one line per problem with its fix (the plugin "long output").
 * Perfdata: 'label'=value[unit];warn;crit;min; U is "undetermined".
 */
export function renderPluginOutput(report: HealthReport): string {
  const { warningSeconds: w, criticalSeconds: c } = report.thresholds;
  const age = report.lastPollAgeSeconds === undefined ? 'U' : `${report.lastPollAgeSeconds}s`;
  const perf = `'last_poll_age'=${age};${w};${c};0 'calendars'=${report.calendars};;;0 'problems'=${report.problems.length};;;0`;
  // A "|" in a message would start the perfdata early; Nagios has no escape for it. A stored last
  // error quotes Google or an event: escaped (controls, bidi, newlines) so it cannot act on a terminal.
  const clean = (s: string): string => terminalText(s.replaceAll('|', '/'), 1000);
  const lines = [`CALSYNC ${report.status} - ${clean(report.summary)} | ${perf}`];
  for (const p of report.problems)
    lines.push(`${p.status}: ${clean(p.message)}${p.fix ? ` (${clean(p.fix)})` : ''}`);
  return lines.join('\n') + '\n';
}
