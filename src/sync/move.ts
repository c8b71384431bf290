/**
 * Moving to another shared calendar (issue 22): what this install made for
 * the old one (copies, mirrors, invitations: found on Google by their
 * markers, as `calsync purge` finds them, so a lost state file loses nothing)
 * is taken away, within the poll's write budget; the rest waits for the next
 * poll. The new shared calendar is synced by the poll as usual. A removal
 * that fails is left for the next poll and never fails this one: the
 * household's calendars keep being synced while the old one empties.
 * Loaded only while a move is under way.
 */
import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';
import { isPrivate } from './privacy.js';
import { findOnCalendar, removeMarked, type FoundItem } from './marked-events.js';
import type { PollRun } from './poll-run.js';
import type { MoveReport } from './report.js';

/** The calendars the old shared calendar's copies, mirrors and invitations can be on. */
function calendarsOf(run: PollRun, from: string): string[] {
  const { settings } = run.opts;
  return [
    ...settings.sourceCalendars,
    from,
    ...(settings.birthdayCopyCalendar ? [settings.birthdayCopyCalendar] : []),
  ].filter((id, i, list) => list.indexOf(id) === i);
}

export async function moveStep(run: PollRun, from: string, to: string): Promise<MoveReport> {
  const old = { ...run.opts.settings, inviteEmail: from };
  const found: FoundItem[] = [];
  let unread = 0;
  for (const calendarId of calendarsOf(run, from)) {
    try {
      found.push(...(await findOnCalendar(run.api, old, calendarId)));
    } catch (err) {
      unread++;
      log.warn(`moving from ${from}: cannot read ${calendarId}: ${errorMessage(err)}; tried again next poll`);
    }
  }
  const report: MoveReport = { from, to, found: found.length, removed: 0, left: found.length };
  if (run.opts.dryRun) {
    report.planned = found.map((item) => ({
      calendarId: item.calendarId,
      eventId: item.event.id ?? '',
      kind: item.kind,
      // A private event's title stays out of the plan, as in the poll's own report.
      ...(item.event.summary && !isPrivate(item.event) ? { summary: item.event.summary } : {}),
    }));
    return report;
  }
  let failed = 0;
  for (const item of found) {
    if (run.writesLeft <= 0) break;
    run.writesLeft--;
    run.writes++;
    try {
      await removeMarked(run.api, item, from);
      report.removed++;
    } catch (err) {
      failed++;
      log.warn(
        `moving from ${from}: could not remove ${item.kind} ${item.calendarId}/${item.event.id ?? ''}: ${errorMessage(err)}`,
      );
    }
  }
  report.left = found.length - report.removed;
  const move = run.state.move;
  if (move) {
    move.left = report.left;
    if (report.left === 0 && unread === 0 && failed === 0) {
      move.doneAt = new Date().toISOString();
      log.info(`moved from ${from} to ${to}: nothing calsync made is left on ${from}`);
    } else log.info(`moving from ${from} to ${to}: ${report.left} left`);
  }
  return report;
}
