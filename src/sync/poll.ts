/**
 * One sync cycle: per source calendar, list what changed, act on the changes
 * (act.ts: plan with rules.ts, apply with apply.ts, within the write budget,
 * every outcome recorded), then move the sync token on. Runs under the
 * cross-process state lock so timer, webhook and clean never interleave.
 */
import { tokensDirPath } from '../config/paths.js';
import {
  SEPARATE_SHARED_CALENDAR_FIX,
  SET_SHARED_CALENDAR_FIX,
  sharedCalendarProblem,
} from '../config/shared-calendar.js';
import type { Settings } from '../config/types.js';
import { ConfigError, AuthError, InterruptedError, errorMessage } from '../errors.js';
import { openState, readState, withStateLock } from '../state/index.js';
import { clearPollConfigFailure, recordPollConfigFailure } from '../state/poll-failure.js';
import type { CalendarSyncState } from '../state/types.js';
import { recordFailure, recordPollDuration, recordPollStarted } from '../metrics/record.js';
import { clearNeedsAuth, markNeedsAuth } from '../google/needs-auth.js';
import { classifyGoogleError, failureLabel } from '../google/google-error.js';
import { googleFailureText, notGoogleHint } from '../google/failure-text.js';
import { isTokenFailure } from '../google/token-request.js';
import { heartbeatFromSettings } from '../notify/from-settings.js';
import { log } from '../util/log.js';
import { assertPrivateDir } from '../util/private-dir.js';
import { GoogleAccess } from './api.js';
import { GoogleClock } from './google-clock.js';
import { checkDeliveries, deliveryCounts } from './delivery.js';
import { isContactsBirthdayCalendar } from './event-kinds.js';
import { listChanges } from './listing.js';
import { isParked } from './parking.js';
import { SERIES_CHANGED } from './record.js';
import { preview, type MalformedItem } from './validate.js';
import { MirrorWriters } from './mirror-writer.js';
import type { GoogleEvent } from './types.js';
import type { CalendarReport, MoveReport, PollReport } from './report.js';
import { adoptLegacyState, movingFrom, startMove } from './move-state.js';
import { targetOf } from './ownership.js';
export type { PollReport, CalendarReport, ActionReport } from './report.js';
export type { PollOptions } from './poll-run.js';
import type { PollOptions, PollRun } from './poll-run.js';
import { lazyModule } from '../util/lazy-module.js';
import { loadGoogleClient } from './api.js';

/** The planner and applier: loaded only when a listing brought changes. */
const loadPlanner = lazyModule(() => import('./act.js'));

/**
 * Loads now what a poll with changes loads later (the planner, the client
 * library), for a process that must not read its files again (serve-webhook).
 */
export async function preloadEngine(): Promise<void> {
  await Promise.all([loadPlanner(), loadGoogleClient()]);
}

export function assertPollable(settings: Settings): { inviteEmail: string } {
  if (settings.sourceCalendars.length === 0) {
    throw new ConfigError('no source calendars are configured', {
      hint: 'run: calsync config set sourceCalendars you@gmail.com,partner@gmail.com',
    });
  }
  if (!settings.inviteEmail) {
    throw new ConfigError('no shared calendar is configured', { hint: SET_SHARED_CALENDAR_FIX });
  }
  // A config from before `config set` refused it (cli/poll.ts names its file first, where it knows it).
  const shared = sharedCalendarProblem(settings);
  if (shared) throw new ConfigError(`inviteEmail: ${shared}`, { hint: SEPARATE_SHARED_CALENDAR_FIX });
  const contacts = settings.sourceCalendars.find(isContactsBirthdayCalendar);
  if (contacts && !settings.calendarAccounts[contacts])
    throw new ConfigError(
      `source calendar ${contacts} (the old contacts-birthday calendar) names no account`,
      {
        hint: `it is read through one of your accounts: run: calsync config set calendarAccounts '${contacts}=<your account>' (its copies go to birthdayCopyCalendar, else the shared calendar)`,
      },
    );
  return { inviteEmail: settings.inviteEmail };
}

export async function runPoll(opts: PollOptions): Promise<PollReport> {
  const { settings } = opts;
  try {
    assertPollable(settings);
    // Before anything is read or written, and for the whole poll (exit 2), not as one failure per calendar.
    assertPrivateDir(settings.configDir);
    assertPrivateDir(tokensDirPath(settings.configDir));
  } catch (err) {
    // Every poll stops here until the configuration is fixed: health-check must say so at once.
    if (err instanceof ConfigError && !opts.dryRun)
      await recordPollConfigFailure(settings.configDir, err.message, err.hint);
    throw err;
  }
  const calendars = opts.calendars?.length ? opts.calendars : settings.sourceCalendars;
  for (const id of calendars) {
    if (!settings.sourceCalendars.includes(id))
      throw new ConfigError(`--calendar ${id} is not one of the source calendars`, {
        hint: `source calendars: ${settings.sourceCalendars.join(', ')}`,
      });
  }
  if (!opts.dryRun) await clearPollConfigFailure(settings.configDir);
  const heartbeat = opts.dryRun ? undefined : heartbeatFromSettings(settings);
  await heartbeat?.start();
  let report: PollReport;
  try {
    // A dry run writes nothing, not even the lock file: it reads a snapshot (saves are atomic
    // renames, so it is whole), and so works on a read-only config dir.
    report = opts.dryRun
      ? await pollWithState(opts, calendars)
      : await withStateLock(settings.configDir, () => pollWithState(opts, calendars), {
          onWait: (holder) => log.info(`another calsync process holds the state lock (${holder}); waiting`),
          signal: opts.signal ?? opts.stop,
        });
  } catch (err) {
    // The lock timed out or the state could not be read: the monitor hears of it too.
    if (!opts.stop?.aborted) await heartbeat?.failure(errorMessage(err));
    throw err;
  }
  // A stopped poll sends nothing more, not even to the monitor: its silence says enough.
  if (heartbeat && !opts.stop?.aborted) {
    const failed = report.calendars.filter((c) => c.error || c.failed > 0);
    if (report.exitCode === 0) await heartbeat.success(summaryLine(report), report.durationMs);
    else
      await heartbeat.failure(
        failed.map((c) => `${c.calendarId}: ${c.error ?? `${c.failed} failed`}`).join('; '),
      );
  }
  return report;
}

export function summaryLine(report: PollReport): string {
  const t = report.calendars.reduce(
    (a, c) => ({ changes: a.changes + c.changes, done: a.done + c.done, failed: a.failed + c.failed }),
    { changes: 0, done: 0, failed: 0 },
  );
  const noWriter = report.calendars.reduce((n, c) => n + c.mirrorsSkipped, 0);
  const skipped =
    noWriter > 0 ? `, ${noWriter} mirrors skipped (no account may write the shared calendar)` : '';
  return `${report.calendars.length} calendars, ${t.changes} changes, ${t.done} done, ${t.failed} failed${skipped}`;
}

async function pollWithState(opts: PollOptions, calendars: string[]): Promise<PollReport> {
  const started = Date.now();
  // A dry run writes nothing, not even a corrupt file moved aside, a crashed writer's temp file
  // removed, or a missing config dir created: it plans against a read-only snapshot.
  const store = opts.dryRun
    ? { state: await readState(opts.settings.configDir), save: () => Promise.resolve() }
    : await openState(opts.settings.configDir, { repair: true });
  const api = new GoogleAccess(opts.settings, undefined, opts.stop);
  const run: PollRun = {
    opts,
    state: store.state,
    api,
    writesLeft: opts.settings.maxWritesPerPoll,
    writers: new MirrorWriters(api, opts.settings),
    actions: [],
    writes: 0,
    checkpoint: () => store.save(),
    outcomesSinceSave: 0,
    clock: new GoogleClock(),
    clockWarned: false,
    delivery: Promise.resolve({ checked: false, delivered: 0, pending: 0, undelivered: 0, dismissed: 0 }),
  };
  if (!opts.dryRun) recordPollStarted(run.state);
  const move = await moveIfMoving(run);
  log.debug(`birthday types copied: ${opts.settings.birthdayTypes.join(', ') || 'none'}`);
  // Invitations sent by earlier polls, looked for on the shared calendar before this poll sends more:
  // listed side by side with the source calendars (a Google that never answers costs one request
  // time-out, not two in a row), and awaited by each calendar before it plans (pollCalendar).
  run.delivery = checkDeliveries(run.api, run.state, opts.settings, {
    dryRun: opts.dryRun === true,
    clock: run.clock,
  });
  // Calendars run side by side: each account has its own quota and pacer, so a
  // first sync of two accounts takes as long as the larger one, not the sum.
  const reports = await Promise.all(
    calendars.map(async (calendarId, i) => {
      opts.onProgress?.(`polling ${calendarId}`);
      const report = await pollCalendar(run, calendarId);
      // A save as each calendar finishes (but the last: the final save covers it)
      // keeps the writes bounded and the progress durable.
      if (!opts.dryRun && i < calendars.length - 1) await store.save();
      return report;
    }),
  );
  const delivery = await run.delivery;
  const durationMs = Date.now() - started;
  if (!opts.dryRun) {
    recordPollDuration(run.state, durationMs / 1000);
    await store.save();
  }
  const failed = reports.some((r) => r.error !== undefined || r.failed > 0 || r.interrupted !== undefined);
  return {
    exitCode: failed ? 1 : 0,
    dryRun: opts.dryRun === true,
    startedAt: new Date(started).toISOString(),
    durationMs,
    apiCalls: run.api.calls,
    quotaUnits: run.api.unitsUsed,
    unansweredRequests: run.api.unansweredRequests,
    writes: run.writes,
    calendars: reports,
    actions: run.actions,
    birthdayTypes: opts.settings.birthdayTypes,
    delivery: { ...delivery, ...(opts.dryRun ? {} : deliveryCounts(run.state)) },
    ...(move ? { move } : {}),
  };
}

/** The move loads only while one is under way (an idle poll asks only the state). */
const loadMove = lazyModule(() => import('./move.js'));

/**
 * Before the calendars: a state of the previous release is adopted for the
 * shared calendar configured now; a changed shared calendar starts a move, and
 * each poll takes away what is left on the old one (move.ts).
 */
async function moveIfMoving(run: PollRun): Promise<MoveReport | undefined> {
  const target = targetOf(run.opts.settings.inviteEmail);
  const from = movingFrom(run.state, run.opts.settings);
  if (from === undefined) {
    adoptLegacyState(run.state, target);
    return undefined;
  }
  startMove(run.state, from, target);
  const { moveStep } = await loadMove();
  return moveStep(run, from, target);
}

/** The likely causes of a source calendar's 404, each with what fixes it. */
function notFoundHint(account: string, calendarId: string): string {
  const wrongSignIn =
    account === calendarId
      ? `the token was made by signing in as another Google account (run: calsync auth ${account} --client-secrets <client_secret.json>, and pick ${account})`
      : `${account} has no access to ${calendarId} (share the calendar with ${account}, or map it to its own account in calendarAccounts)`;
  return `${wrongSignIn}; or the calendar id is misspelled (check: calsync config get sourceCalendars)`;
}

async function pollCalendar(run: PollRun, calendarId: string): Promise<CalendarReport> {
  const { settings } = run.opts;
  const account = run.api.accountOf(calendarId);
  const report: CalendarReport = {
    calendarId,
    account,
    fullSync: false,
    changes: 0,
    done: 0,
    skipped: 0,
    failed: 0,
    deferred: 0,
    limited: 0,
    mirrorsSkipped: 0,
  };
  const calState = (run.state.calendars[calendarId] ??= {});
  try {
    const token = run.opts.fullResync ? undefined : calState.syncToken;
    const listing = await listChanges(run.api, calendarId, token, settings.lookbackDays, {
      maxPages: settings.maxListPages,
      maxEvents: settings.maxListedEvents,
      clock: run.clock,
    });
    report.fullSync = listing.full;
    // Whose time a busy block shows (busyTitle's {name}): every listing answer names its calendar, so it stays current.
    if (listing.summary && calState.name !== listing.summary) calState.name = listing.summary;
    const clockProblem = run.clock.problem();
    if (clockProblem && !run.clockWarned) {
      run.clockWarned = true;
      log.warn(`${clockProblem}: listing windows are based on Google's time`);
    }
    skipMalformed(run, calendarId, listing.malformed, report);
    const events = [...listing.events, ...(await refetchPending(run, calendarId, listing.events))];
    report.changes = events.length;
    // Nothing changed (the idle poll of a timer): nothing to plan, and the rules are not even loaded.
    if (events.length > 0) {
      await run.delivery;
      const { planAndApply } = await loadPlanner();
      await planAndApply(run, calendarId, events, report, listing.full);
      // A series whose copy changed form left its changed occurrences to plan again (record.ts): in
      // this poll, so that none shows its details beside a busy block until the next one.
      const again = await fetchByIds(run, calendarId, seriesChangedIds(run, calendarId));
      if (again.length > 0) await planAndApply(run, calendarId, again, report, false);
      if (!run.opts.dryRun) report.waiting = waitingCount(run, calendarId);
    }
    if (!run.opts.dryRun) {
      // Only now, with every outcome recorded, may the token move on. What
      // failed or waits (write budget, usage limits) is fetched again by id.
      if (listing.nextSyncToken) calState.syncToken = listing.nextSyncToken;
      calState.lastPollAt = new Date().toISOString();
      const googleNow = run.clock.googleNow();
      if (googleNow !== undefined) calState.googleTime = new Date(googleNow).toISOString();
      // A wrong local clock is no success: its stamps cannot be trusted, and it must be fixed.
      if (clockProblem) report.error = clockProblem;
      // Held back by usage limits is not a success either: should it last,
      // health-check sees the last success age (the poll itself exits 0).
      if (report.interrupted)
        notePollFailed(
          calState,
          `${report.interrupted} before it finished; ${report.deferred} changes wait for the next poll`,
        );
      else if (clockProblem) notePollFailed(calState, clockProblem);
      else if (report.failed === 0 && report.limited === 0) {
        calState.lastSuccessAt = calState.lastPollAt;
        delete calState.lastError;
        delete calState.failingSince;
      } else
        notePollFailed(
          calState,
          report.failed > 0
            ? `${report.failed} events failed`
            : `${report.limited} changes held back by Google's usage limits`,
        );
      if (report.mirrorsSkipped > 0) recordMirrorsSkipped(calState, report);
      calState.lastPollCounts = countsOf(report);
      clearNeedsAuth(run.state, account);
    }
  } catch (err) {
    report.error = errorMessage(err);
    if (err instanceof InterruptedError) {
      // Stopped before its listing was done: nothing of this calendar moved on, not even its token.
      report.interrupted = err.message;
      report.error = `${err.message} before it finished`;
    } else if (err instanceof AuthError) {
      report.hint = err.hint;
      if (!run.opts.dryRun) markNeedsAuth(run.state, err.account, err.message);
    } else if (!(err instanceof ConfigError)) {
      const info = classifyGoogleError(err);
      // A broken answer's message says what came and for which calendar; its status (200) says nothing.
      // A failed token refresh says so, and where: the Calendar call was never sent.
      report.error = googleFailureText(err, settings.googleTokenUrl, info);
      const foreign = notGoogleHint(err, info);
      if (info.status === 404 && !isTokenFailure(err)) {
        // A bare 404 sent users hunting: say whose token asked, and the usual reasons.
        report.error += `: the token of ${account} cannot see calendar ${calendarId}`;
        report.hint = notFoundHint(account, calendarId);
      } else if (foreign) report.hint = foreign;
      if (!run.opts.dryRun) recordFailure(run.state, calendarId, failureLabel(info));
    } else report.hint = err.hint;
    if (!run.opts.dryRun) {
      calState.lastPollAt = new Date().toISOString();
      notePollFailed(calState, report.error);
    }
    log.error(`calendar ${calendarId}: ${report.error}`);
  }
  return report;
}

/** Entries that wait for a later poll, parked ones aside (only pending rows are decoded). */
function waitingCount(run: PollRun, calendarId: string): number {
  const entries = run.state.events[calendarId];
  return entries ? entries.pendingIds().filter((id) => !isParked(entries, id)).length : 0;
}

/** Every count of the calendar's report (a counter a later version adds included), for `calsync status`. */
function countsOf(report: CalendarReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(report)) if (typeof value === 'number') counts[key] = value;
  return counts;
}

/** A poll of the calendar that did not succeed: why, and since when polls have not (health-check reads both). */
function notePollFailed(calState: CalendarSyncState, error: string): void {
  calState.lastError = error;
  calState.failingSince ??= calState.lastPollAt ?? new Date().toISOString();
}

/** Mirrors skipped for lack of a writer add up until a poll finds one (noteWriter clears them). */
function recordMirrorsSkipped(calState: CalendarSyncState, report: CalendarReport): void {
  const prev = calState.mirrorsSkipped;
  calState.mirrorsSkipped = {
    count: (prev?.count ?? 0) + report.mirrorsSkipped,
    since: prev?.since ?? new Date().toISOString(),
    reason: report.mirrorSkipReason ?? 'no account may write the shared calendar',
  };
}

/** How many malformed items get a warning line each; the rest are counted in one. */
const MALFORMED_WARNINGS = 5;

/** Items Google listed that cannot be acted on: each skipped with its reason, the rest of the listing goes on. */
function skipMalformed(
  run: PollRun,
  calendarId: string,
  items: MalformedItem[],
  report: CalendarReport,
): void {
  for (const item of items) {
    report.skipped++;
    const eventId = item.id ?? `#${item.index}`;
    run.actions.push({
      calendarId,
      eventId,
      action: 'skip',
      result: 'skipped',
      reason: `malformed item from Google: ${item.reason}`,
    });
  }
  for (const item of items.slice(0, MALFORMED_WARNINGS))
    log.warn(
      `calendar ${calendarId}: skipped listed item ${item.id ? preview(item.id) : `#${item.index}`}: ${item.reason}`,
    );
  if (items.length > MALFORMED_WARNINGS)
    log.warn(`calendar ${calendarId}: skipped ${items.length - MALFORMED_WARNINGS} more malformed items`);
}

/**
 * Events whose last action failed or was deferred: the token moved on past
 * them, so they are fetched again by id; the longest waiting first, and no
 * more than one poll can write (a first sync of thousands under the write
 * budget then costs a GET per event in all, not one per event per poll).
 */
async function refetchPending(
  run: PollRun,
  calendarId: string,
  listed: GoogleEvent[],
): Promise<GoogleEvent[]> {
  const entries = run.state.events[calendarId];
  if (!entries) return [];
  const seen = new Set(listed.map((e) => e.id));
  const waitingSince = (id: string) => entries.get(id)?.failure?.at ?? 0;
  // Parked events wait for a change of their source, or for --retry-failed.
  const retry = run.opts.retryFailed === true;
  const pending = entries
    .pendingIds()
    .filter((id) => !seen.has(id) && (retry || !isParked(entries, id)))
    .map((id) => ({ id, since: waitingSince(id) }))
    .sort((a, b) => a.since - b.since)
    .slice(0, run.opts.settings.maxWritesPerPoll)
    .map((p) => p.id);
  return fetchByIds(run, calendarId, pending);
}

/** The occurrences left to plan again because their series changed form in this poll. */
function seriesChangedIds(run: PollRun, calendarId: string): string[] {
  if (run.opts.dryRun) return [];
  const entries = run.state.events[calendarId];
  if (!entries) return [];
  return entries.pendingIds().filter((id) => entries.get(id)?.failure?.reason === SERIES_CHANGED);
}

/** Source events by id (events.get, 1 unit each); one gone for good comes back as cancelled. */
async function fetchByIds(run: PollRun, calendarId: string, ids: string[]): Promise<GoogleEvent[]> {
  const account = run.api.accountOf(calendarId);
  const out: GoogleEvent[] = [];
  for (const eventId of ids) {
    try {
      const res = await run.api.call(account, 'events.get', (c) => c.events.get({ calendarId, eventId }));
      out.push(res.data);
    } catch (err) {
      const info = classifyGoogleError(err);
      if (info.status !== 404 && info.status !== 410) throw err;
      // Gone for good: plan it as cancelled, so a copy or mirror it had goes too.
      out.push({ id: eventId, status: 'cancelled' });
    }
  }
  return out;
}
