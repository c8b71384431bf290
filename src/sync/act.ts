/**
 * Acting on one calendar's changes: plan an action per event (rules.ts),
 * then apply the plan (apply.ts) within the write budget, recording every
 * outcome. poll.ts loads this only when a listing brought changes, so an
 * idle poll loads neither the rules nor the applier.
 */
import { failureLabel } from '../google/google-error.js';
import { markNeedsAuth } from '../google/needs-auth.js';
import { recordFailure, recordSuccess } from '../metrics/record.js';
import { log } from '../util/log.js';
import { applyAction } from './apply.js';
import { changesSharedCopies, checkDeliveries } from './delivery.js';
import type { MirrorWriter } from './mirror-writer.js';
import { ORPHAN_RECENT_MS, recheckOrphans } from './orphans.js';
import { parkIfRefused } from './parking.js';
import type { PollRun } from './poll-run.js';
import { createsCopy, DEFERRED, recordIntent, recordOutcome, recordSkip } from './record.js';
import type { ActionReport, CalendarReport } from './report.js';
import { ruleSettingsFor } from './rule-settings.js';
import { planChanges, recheckLetGo, writesShared } from './rules.js';
import { elsewhereOf } from './shared-calendar.js';
import { writesOf, type Action, type GoogleEvent } from './types.js';
import { preview } from './validate.js';
import { isPrivate } from './privacy.js';

/**
 * Outcomes recorded between checkpoints: a crash loses at most this many
 * outcomes (their copies were announced by recordIntent, and are found again
 * by id), and the state is written at most maxWritesPerPoll / CHECKPOINT_EVERY
 * extra times.
 */
const CHECKPOINT_EVERY = 50;

/**
 * After a stop (SIGINT, SIGTERM), how long the actions in flight may take to
 * end. Their requests end sooner (google/request-signals.ts: a write after
 * WRITE_GRACE_MS, as not done); this bounds whatever else an action waits
 * for. One that has not ended by then is left as it is in the state
 * (a copy about to be made was announced by recordIntent; anything else was
 * not recorded as done) and waits for the next poll: its write, if Google
 * made it, is found again by id, never made twice.
 */
export const DRAIN_MS = 5_000;

/**
 * Plans and applies one calendar's changes. Copies of cancellations without
 * an entry are looked for: all of an incremental listing's, a full one's
 * recent ones (`full`).
 */
export async function planAndApply(
  run: PollRun,
  calendarId: string,
  events: GoogleEvent[],
  report: CalendarReport,
  full: boolean,
): Promise<void> {
  const orphanSince = full ? run.clock.now() - ORPHAN_RECENT_MS : 0;
  const actions = await plan(run, calendarId, events, report, orphanSince);
  await applyPlan(run, calendarId, actions, events, report);
}

async function plan(
  run: PollRun,
  calendarId: string,
  events: GoogleEvent[],
  report: CalendarReport,
  orphanSince: number,
): Promise<Action[]> {
  const { settings } = run.opts;
  const inviteEmail = settings.inviteEmail ?? '';
  const sourceName = run.state.calendars[calendarId]?.name ?? run.api.accountOf(calendarId);
  const poll = { retryParked: run.opts.retryFailed === true, orphanSince, sourceName };
  const entries = run.state.events[calendarId];
  const elsewhere = elsewhereOf(run.state, calendarId);
  const account = run.api.accountOf(calendarId);
  const planWith = (writer: MirrorWriter) =>
    planChanges(calendarId, events, entries, ruleSettingsFor(settings, writer, poll), elsewhere);
  // Planned first as if the calendar's own account may write the shared calendar:
  // only a plan that writes there pays for the access check.
  let optimistic = planWith({ account });
  // Copies on the shared calendar about to change: its listing first (once a poll), so one a person deleted stays deleted.
  if (changesSharedCopies(optimistic, inviteEmail)) {
    if (!run.deliveryForced) {
      run.deliveryForced = true;
      const force = { dryRun: run.opts.dryRun === true, force: true, clock: run.clock };
      run.delivery = run.delivery.then((r) =>
        r.checked ? r : checkDeliveries(run.api, run.state, settings, force),
      );
    }
    await run.delivery;
    optimistic = planWith({ account });
  }
  if (!optimistic.some((a) => writesShared(a, inviteEmail))) return optimistic;
  const writer = await run.writers.writerFor(account);
  noteWriter(run, calendarId, writer, report);
  return writer.account === account ? optimistic : planWith(writer);
}

/** Remembers for health-check whether this calendar's mirrors have a writer (a skip for lack of one is a WARNING). */
function noteWriter(run: PollRun, calendarId: string, writer: MirrorWriter, report: CalendarReport): void {
  report.mirrorWriter = writer.account;
  if (writer.account === undefined) {
    report.mirrorSkipReason = writer.reason;
    report.hint ??= writer.fix;
    log.warn(`mirrors of ${calendarId} skipped: ${writer.reason ?? ''}; ${writer.fix ?? ''}`);
  } else if (!run.opts.dryRun) delete (run.state.calendars[calendarId] ?? {}).mirrorsSkipped;
}

/** The poll summary's counts: busy blocks made or kept up to date, and events left out by a filter. */
function countPrivacy(report: CalendarReport, action: Action): void {
  if (action.kind === 'skip') {
    if (action.filtered) report.filtered = (report.filtered ?? 0) + 1;
    return;
  }
  const busy =
    (action.kind === 'mirror' || action.kind === 'update-copy') && action.form === 'busy'
      ? true
      : action.kind === 'update-occurrence' && action.body !== null && action.privacy?.share === 'busy';
  if (busy) report.busyBlocks = (report.busyBlocks ?? 0) + 1;
  else if (action.privacy?.share === 'skip') report.filtered = (report.filtered ?? 0) + 1;
}

function describe(action: Action): Pick<ActionReport, 'target' | 'reason'> {
  if (action.kind === 'skip') return { reason: action.reason };
  if ('target' in action) return { target: `${action.target.calendarId}/${action.target.eventId}` };
  return {};
}

async function applyPlan(
  run: PollRun,
  calendarId: string,
  actions: Action[],
  events: GoogleEvent[],
  report: CalendarReport,
): Promise<void> {
  // A private event's title is in no report, no log and no parked note: only its id. Nor is the title
  // of an event shared as busy: an occurrence that is public on its own carries its private series'.
  const withheld = new Set(actions.filter((a) => a.privacy?.share === 'busy').map((a) => a.source.eventId));
  const summaries = new Map(
    events.map((e) => [
      e.id ?? '',
      isPrivate(e) || withheld.has(e.id ?? '') ? undefined : (e.summary ?? undefined),
    ]),
  );
  const push = (action: Action, result: ActionReport['result'], reason?: string) => {
    const privacy = action.privacy;
    const entry: ActionReport = {
      calendarId,
      eventId: action.source.eventId,
      summary: summaries.get(action.source.eventId),
      action: action.kind,
      result,
      ...describe(action),
      ...(reason ? { reason } : {}),
      ...(privacy ? { privacy: privacy.share, ...(privacy.why ? { privacyRule: privacy.why } : {}) } : {}),
      ...(privacy?.private ? { private: true as const } : {}),
    };
    if (result === 'done' || result === 'planned' || result === 'skipped') countPrivacy(report, action);
    run.actions.push(entry);
    // Every decision, skips with their reason included, is one debug line (--verbose).
    log.debug(`${entry.result} ${entry.action}`, {
      calendar: calendarId,
      event: entry.eventId,
      reason: entry.reason,
      target: entry.target,
    });
  };
  // Copies about to be created are in the state before Google has them: a
  // kill mid-write then leaves an entry naming the copy, never an orphan.
  // (None when the write budget is spent: every creation then waits, unmade.)
  const creates = run.opts.dryRun || run.writesLeft <= 0 ? [] : actions.filter(createsCopy);
  if (creates.length > 0) {
    for (const action of creates) recordIntent(run.state, calendarId, action);
    await run.checkpoint();
  }
  // Occurrences of a mirrored series need the series' mirror first.
  const phases = [
    actions.filter((a) => a.kind !== 'update-occurrence'),
    actions.filter((a) => a.kind === 'update-occurrence'),
  ];
  const elsewhere = elsewhereOf(run.state, calendarId);
  // What a terminal shows as it goes: written of planned (a failure counts as handled, a deferral as left).
  const progress = {
    written: 0,
    planned: run.opts.dryRun ? 0 : actions.filter((a) => a.kind !== 'skip').length,
    deferred: 0,
  };
  const tell = () => run.opts.onWrites?.(calendarId, { ...progress });
  if (progress.planned > 0) tell();
  /** Actions whose outcome is not recorded yet, each with how to leave it for the next poll. */
  const unanswered = new Set<{ defer: (why: string) => void; abandoned: boolean }>();
  for (const phase of phases) {
    const running: Promise<void>[] = [];
    for (const planned of phase) {
      // Checked again now, with no await before its record: another calendar
      // polled alongside may have let go of the same mirror since planning.
      const action = recheckOrphans(recheckLetGo(planned, elsewhere), elsewhere);
      if (action.kind === 'skip') {
        report.skipped++;
        if (action.noWriter) report.mirrorsSkipped++;
        push(action, 'skipped');
        // Also in a dry run (whose state is never saved), so its re-checks show what a real run would do.
        recordSkip(run.state, calendarId, action);
        continue;
      }
      if (run.opts.dryRun) {
        push(action, 'planned');
        continue;
      }
      const cost = writesOf(action);
      const defer = (why: string) => {
        report.deferred++;
        progress.deferred++;
        tell();
        push(action, 'deferred', why);
        recordOutcome(
          run.state,
          calendarId,
          action,
          { ok: false, writes: 0, successes: [], entry: {} },
          DEFERRED,
        );
      };
      // An action dearer than the whole budget runs alone at the start of a poll, or it would wait for ever.
      if (cost > run.writesLeft && run.writesLeft < run.opts.settings.maxWritesPerPoll) {
        defer('write budget of this poll used up; waits for the next poll');
        continue;
      }
      run.writesLeft -= cost;
      const inFlight = { defer, abandoned: false };
      const applied = applyAction(run.api, action).then(async (outcome) => {
        // Given up on after a stop (DRAIN_MS): its answer came too late to be recorded.
        if (inFlight.abandoned) return;
        unanswered.delete(inFlight);
        if (++run.outcomesSinceSave >= CHECKPOINT_EVERY) {
          run.outcomesSinceSave = 0;
          await run.checkpoint();
        }
        run.writes += outcome.writes;
        if (!outcome.stopped && outcome.error?.kind !== 'quota-exhausted') {
          progress.written++;
          tell();
        }
        // A 409 recovery writes twice: the budget bounds real writes.
        run.writesLeft -= Math.max(0, outcome.writes - cost);
        if (outcome.ok) {
          report.done++;
          push(action, 'done', outcome.note);
          for (const type of outcome.successes) recordSuccess(run.state, calendarId, type);
          recordOutcome(run.state, calendarId, action, outcome);
          return;
        }
        // Stopped by SIGINT or SIGTERM before its request went out: it waits, unsent.
        if (outcome.interrupted) {
          report.interrupted = outcome.stopped;
          return defer(`${outcome.stopped ?? 'stopped'}; waits for the next poll`);
        }
        // Usage limits or an outage of the account: not this event's fault, it waits.
        if (outcome.stopped || outcome.error?.kind === 'quota-exhausted') {
          report.limited++;
          return defer(outcome.stopped ?? `Calendar usage limits exceeded; waits for the next poll`);
        }
        const reason = outcome.authError
          ? 'invalid_grant'
          : outcome.error
            ? failureLabel(outcome.error)
            : 'unknown';
        const message = outcome.authError?.message ?? outcome.error?.message ?? 'failed';
        recordFailure(run.state, calendarId, reason);
        recordOutcome(run.state, calendarId, action, outcome, reason);
        const title = summaries.get(action.source.eventId);
        const refusals = parkIfRefused(run.state, calendarId, action, outcome, title);
        if (refusals > 0) {
          // Refused again and again: it no longer holds the calendar's success back.
          report.parked = (report.parked ?? 0) + 1;
          push(action, 'parked', `${reason}: ${message}; parked after ${refusals} tries`);
          log.warn(
            `${calendarId}/${preview(action.source.eventId, 60)} parked: Google refused it ${refusals} times (${reason}); see: calsync explain ${preview(action.source.eventId, 60)}`,
          );
          return;
        }
        report.failed++;
        push(action, 'failed', `${reason}: ${message}`);
        if (outcome.authError) markNeedsAuth(run.state, outcome.authError.account, outcome.authError.message);
        log.warn(`${action.kind} failed for ${calendarId}/${action.source.eventId}: ${reason}: ${message}`);
      });
      unanswered.add(inFlight);
      running.push(applied);
    }
    await settleOrDrain(running, run.opts.stop);
    // A stop that outran the drain: what did not answer waits for the next poll, and is counted so.
    for (const late of unanswered) {
      late.abandoned = true;
      report.interrupted ??= 'stopped';
      late.defer('stopped before Google answered; checked again at the next poll');
    }
    unanswered.clear();
  }
}

/**
 * Waits for every action of a phase; after a stop, for at most DRAIN_MS more
 * (the requests in flight finish, but a slow one must not hold the exit).
 */
async function settleOrDrain(running: Promise<void>[], stop: AbortSignal | undefined): Promise<void> {
  const all = Promise.all(running).then(() => undefined);
  if (!stop) return all;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const drained = new Promise<void>((resolve) => {
    onAbort = () => {
      timer = setTimeout(resolve, DRAIN_MS);
    };
    if (stop.aborted) onAbort();
    else stop.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([all, drained]);
  } finally {
    clearTimeout(timer);
    if (onAbort) stop.removeEventListener('abort', onAbort);
  }
}
