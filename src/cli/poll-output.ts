import type { PollReport } from '../sync/poll.js';
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

/** The end-of-poll summary: one row per calendar, then what was done. */
export function formatPollReport(report: PollReport, opts: { paint: Paint; showActions: boolean }): string {
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
  out += `\n${verb}, ${report.apiCalls} API calls (${report.quotaUnits} quota units), ${(report.durationMs / 1000).toFixed(1)} s: ${status}\n`;
  const undelivered = report.delivery?.undelivered ?? 0;
  if (undelivered > 0)
    out += c.yellow(
      `${undelivered} invitation${undelivered === 1 ? '' : 's'} never reached the shared calendar: set its "Add invitations to my calendar: From everyone", or run: calsync config set organizedEvents mirror\n`,
    );
  return out;
}
