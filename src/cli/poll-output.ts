import type { PollReport } from '../sync/poll.js';
import type { WriteProgress } from '../sync/poll-run.js';
import { terminalText } from '../util/terminal-text.js';
import { table } from './table.js';

/** Titles, ids and Google's messages are other people's text: escaped and cut before any colour is added. */
const EVENT_WIDTH = 48;
const safe = (value: string, width?: number): string => terminalText(value, width);

/** The colours the summary uses: chalk's on a terminal, none otherwise (chalk is then not even loaded). */
export interface Paint {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

const same = (text: string): string => text;
export const NO_PAINT: Paint = { red: same, yellow: same, green: same };

/** An action's detail: its reason or target, with the privacy rule that applied when it was not "full". */
function detailOf(a: PollReport['actions'][number]): string {
  const base = a.reason ?? a.target ?? '';
  if (!a.privacyRule || base.includes(a.privacyRule)) return base;
  return base ? `${base} [${a.privacyRule}]` : a.privacyRule;
}

/** "12 s", "4 min": a duration for a person. */
function duration(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * A calendar's progress on a terminal: written of planned, and the time the
 * rest takes at the account's quota rate (each write at least one unit).
 */
export function progressLine(calendarId: string, p: WriteProgress, unitsPerSecond: number): string {
  const left = Math.max(0, p.planned - p.written - p.deferred);
  const eta = left > 0 ? `, about ${duration(left / unitsPerSecond)} left` : '';
  const waits = p.deferred > 0 ? `, ${p.deferred} for the next poll` : '';
  return `${safe(calendarId)}: ${p.written} of ${p.planned} written${eta}${waits}`;
}

/** Friendlier names of the rules' most frequent skip reasons (sync/rules.ts); any other is shown as it is. */
const SKIP_WORDS: Record<string, string> = {
  'created by calsync': "calsync's own copies",
  'copy is up to date': 'already up to date',
  'mirror is up to date': 'already up to date',
  'shared calendar already invited': 'already invited',
  cancelled: 'cancelled',
};

/** Why a calendar's events were skipped, in one line: "4 skipped: 3 calsync's own copies, 1 cancelled". */
export function skipSummary(report: PollReport, calendarId: string): string | undefined {
  const reasons = new Map<string, number>();
  for (const a of report.actions)
    if (a.calendarId === calendarId && a.result === 'skipped') {
      const raw = a.reason ?? 'no reason given';
      const word = SKIP_WORDS[raw] ?? (raw.startsWith('malformed item') ? 'malformed items' : raw);
      reasons.set(word, (reasons.get(word) ?? 0) + 1);
    }
  const total = [...reasons.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const sorted = [...reasons].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 4).map(([why, n]) => `${n} ${safe(why, 80)}`);
  const rest = sorted.slice(4).reduce((n, [, c]) => n + c, 0);
  return `${total} skipped: ${shown.join(', ')}${rest > 0 ? `, ${rest} for other reasons` : ''}`;
}

/** What waits for the next poll, and when that is: "100 left: the next poll, in about 5 min, continues". */
export function leftLine(report: PollReport, pollIntervalMinutes: number | undefined): string | undefined {
  if (report.dryRun) return undefined;
  const left = report.calendars.reduce((n, c) => n + (c.waiting ?? c.deferred), 0);
  if (left === 0) return undefined;
  const when = pollIntervalMinutes ? `, in about ${pollIntervalMinutes} min,` : '';
  return `${left} left: the next poll${when} continues`;
}

/** The end-of-poll summary: one row per calendar, then what was done. */
export function formatPollReport(
  report: PollReport,
  opts: { paint: Paint; showActions: boolean; pollIntervalMinutes?: number },
): string {
  const c = opts.paint;
  const rows = [['calendar', 'changes', 'done', 'skipped', 'failed', 'deferred', 'note']];
  for (const cal of report.calendars) {
    const note = cal.error
      ? c.red(safe(`${cal.error}${cal.hint ? ` (${cal.hint})` : ''}`, 400))
      : cal.fullSync
        ? 'full listing'
        : '';
    rows.push([
      safe(cal.calendarId),
      String(cal.changes),
      String(cal.done),
      String(cal.skipped),
      String(cal.failed),
      String(cal.deferred),
      note,
    ]);
  }
  let out = table(rows);
  // Skips explained in one line per calendar (the rows' "skipped" says how many, not why).
  for (const cal of report.calendars) {
    const why = skipSummary(report, cal.calendarId);
    if (why && !opts.showActions) out += `${safe(cal.calendarId)}: ${why}\n`;
  }
  const shown = report.actions.filter((a) => opts.showActions || a.result !== 'skipped');
  if (shown.length > 0) {
    out +=
      '\n' +
      table([
        ['result', 'action', 'event', 'detail'],
        ...shown.map((a) => [
          a.result,
          a.privacy === 'busy' && a.action !== 'skip' ? `${a.action} (busy block)` : a.action,
          // A private event shows as its id: its title is never printed.
          safe(a.private ? `${a.eventId} (private)` : `${a.summary ?? a.eventId}`, EVENT_WIDTH),
          safe(detailOf(a), 400),
        ]),
      ]);
  }
  const busy = report.calendars.reduce((n, cal) => n + (cal.busyBlocks ?? 0), 0);
  const filtered = report.calendars.reduce((n, cal) => n + (cal.filtered ?? 0), 0);
  if (busy > 0 || filtered > 0)
    out += `\n${busy} shared as busy block${busy === 1 ? '' : 's'}, ${filtered} not shared (skipTitles, skipAvailable, privateEvents skip)\n`;
  for (const cal of report.calendars)
    if (cal.mirrorsSkipped > 0)
      out += `\n${c.yellow(`${cal.calendarId}: ${cal.mirrorsSkipped} mirrors skipped: ${cal.mirrorSkipReason ?? 'no account may write the shared calendar'}`)}${cal.hint ? `\n  fix: ${cal.hint}` : ''}\n`;
  const verb = report.dryRun ? 'planned (dry run: nothing written)' : `${report.writes} writes`;
  const status =
    report.exitCode === 0
      ? c.green('ok')
      : c.red('some events or calendars failed; they are retried at the next poll');
  const unanswered = report.unansweredRequests
    ? `, ${report.unansweredRequests} request${report.unansweredRequests === 1 ? '' : 's'} unanswered`
    : '';
  out += `\n${verb}, ${report.apiCalls} API calls (${report.quotaUnits} quota units)${unanswered}, ${(report.durationMs / 1000).toFixed(1)} s: ${status}\n`;
  const left = leftLine(report, opts.pollIntervalMinutes);
  if (left) out += `${left}\n`;
  const undelivered = report.delivery?.undelivered ?? 0;
  if (undelivered > 0)
    out += c.yellow(
      `${undelivered} invitation${undelivered === 1 ? '' : 's'} never reached the shared calendar: set its "Add invitations to my calendar: From everyone", or run: calsync config set organizedEvents mirror\n`,
    );
  return out;
}
