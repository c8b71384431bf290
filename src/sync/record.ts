/**
 * What the state remembers of each outcome: one entry per source event that
 * calsync acted on (or was told to remember), with the source's `updated`,
 * its end, the copy it has, and a pending failure or deferral.
 */
import { EventTable } from '../state/index.js';
import type { ProcessedEvent, State } from '../state/types.js';
import { nowSeconds } from '../util/time.js';
import type { Outcome } from './apply.js';
import { releaseDeletedCopies } from './released-copies.js';
import type { Action } from './types.js';

/** The failure reason of an action left for the next poll (write budget, usage limits, outage). */
export const DEFERRED = 'deferred';

/** The reason an occurrence waits to be planned again: its series' copy changed form (revisitOccurrences). */
export const SERIES_CHANGED = 'its series changed form';

/** The failure reason of a copy's creation that a run began and did not live to record. */
export const INTERRUPTED = 'interrupted';

const CREATED_RULE = { 'copy-birthday': 'birthday', 'copy-gmail': 'gmail', mirror: 'mirror' } as const;

/** Whether the action creates a copy or mirror: those are announced in the state before they run (recordIntent). */
export function createsCopy(action: Action): action is Extract<Action, { kind: keyof typeof CREATED_RULE }> {
  return action.kind in CREATED_RULE;
}

/**
 * Records, before the write, that a copy is about to be created, so that a run
 * killed after Google made it but before its outcome was saved leaves an entry
 * that names the copy: the next poll creates it again (409: it exists) or, if
 * the source was cancelled meanwhile, deletes it, instead of leaving it behind.
 */
export function recordIntent(state: State, calendarId: string, action: Action): void {
  if (!createsCopy(action)) return;
  const entries = entriesOf(state, calendarId);
  const prev = entries.get(action.source.eventId);
  const now = nowSeconds();
  entries.set(
    action.source.eventId,
    withoutUndefined({
      ...(prev ?? { action: 'pending', at: now }),
      // The original is deleted right after its copy is made: should it be
      // gone next poll, that was calsync, and the copy must stay (rules.ts).
      ...(action.kind === 'copy-gmail' && action.deleteOriginal ? { action: 'delete-original' } : {}),
      rule: action.kind === 'mirror' && action.form === 'busy' ? 'busy' : CREATED_RULE[action.kind],
      copyCalendar: action.target.calendarId,
      copyId: action.target.eventId,
      copyUnconfirmed: true,
      failure: { reason: INTERRUPTED, at: now, attempts: prev?.failure?.attempts ?? 0 },
    }),
  );
}

function entriesOf(state: State, calendarId: string): EventTable {
  return (state.events[calendarId] ??= new EventTable());
}

export function recordSkip(
  state: State,
  calendarId: string,
  action: Extract<Action, { kind: 'skip' }>,
): void {
  // A parked event seen unchanged keeps its entry as it is (its failure, its parking).
  if (action.parked) return;
  const prev = state.events[calendarId]?.get(action.source.eventId);
  // An event calsync never acted on leaves nothing to remember (its own copies,
  // focus time, cancellations...) unless the rule says so: the state grows with
  // what calsync did, not with everything it saw.
  if (!prev && !action.remember) return;
  entriesOf(state, calendarId).set(
    action.source.eventId,
    withoutUndefined({
      ...(prev ?? { action: 'skip' }),
      at: nowSeconds(),
      ...action.remember,
      ...sourceFields(action, prev),
      failure: undefined,
      parked: undefined,
    }),
  );
}

/**
 * What the entry remembers of the source: when it changed, when it ends,
 * whether it repeats. A cancelled source counts as ended when it was
 * cancelled (an occurrence: when it was due), so `calsync clean` drops its
 * entry in time rather than keep it for ever as one without an end.
 */
function sourceFields(
  action: Action,
  prev: ProcessedEvent | undefined,
): Pick<ProcessedEvent, 'sourceUpdated' | 'end' | 'recurring'> {
  const { updated, end, recurring, cancelled } = action.source;
  // (An occurrence moved later before it was cancelled keeps its later end.)
  if (cancelled)
    return {
      sourceUpdated: updated,
      end: Math.max(end ?? 0, prev?.end ?? 0) || nowSeconds(),
      recurring: undefined,
    };
  return { sourceUpdated: updated, end, recurring: recurring || undefined };
}

function withoutUndefined(entry: ProcessedEvent): ProcessedEvent {
  for (const key of Object.keys(entry) as (keyof ProcessedEvent)[])
    if (entry[key] === undefined) delete entry[key];
  return entry;
}

export function recordOutcome(
  state: State,
  calendarId: string,
  action: Action,
  outcome: Outcome,
  failureReason?: string,
): void {
  const entries = entriesOf(state, calendarId);
  const prev = entries.get(action.source.eventId);
  const now = nowSeconds();
  if (failureReason) {
    // The source's `updated` is not recorded: the retry must see the event as changed.
    const { end, recurring } = sourceFields(action, prev);
    entries.set(
      action.source.eventId,
      withoutUndefined({
        ...(prev ?? { action: 'pending', at: now }),
        end,
        recurring,
        failure: {
          reason: failureReason,
          at: now,
          attempts: (prev?.failure?.attempts ?? 0) + (failureReason === DEFERRED ? 0 : 1),
        },
      }),
    );
    return;
  }
  // Every entry pointing at a copy this action deleted lets go of it first (this one's outcome says the rest).
  if (outcome.deleted?.length) {
    const acting = { calendarId, eventId: action.source.eventId };
    releaseDeletedCopies(state, outcome.deleted, acting, { reason: DEFERRED, at: now, attempts: 0 });
  }
  const current = entries.get(action.source.eventId);
  const revisit = action.kind === 'delete-copy' && action.revisit === true;
  if (changesSeriesForm(action, prev)) revisitOccurrences(entries, action.target.eventId, now, 'kept');
  const gone = seriesCopyDeleted(action);
  if (gone) revisitOccurrences(entries, gone, now, 'gone');
  // A series calsync took its invitee off: a changed occurrence is an exception with guests of its own,
  // and may keep the shared calendar (Google need not carry the change into it): planned again too.
  if (seriesInviteeTaken(action)) revisitOccurrences(entries, action.source.eventId, now, 'source');
  entries.set(
    action.source.eventId,
    withoutUndefined({
      ...current,
      action: action.kind,
      at: now,
      ...outcome.entry,
      ...sourceFields(action, prev),
      // Fetched again next poll, and seen as changed, so its next action is planned.
      ...(revisit ? { rule: undefined, sourceUpdated: undefined } : {}),
      // Created, or deleted: either way no longer in doubt (an invitee taken off made no copy).
      copyUnconfirmed: action.kind === 'uninvite' ? current?.copyUnconfirmed : undefined,
      failure: revisit ? { reason: DEFERRED, at: now, attempts: 0 } : undefined,
      parked: undefined,
    }),
  );
}

/** A series' mirror turned into a busy block, or back, in place. */
function changesSeriesForm(
  action: Action,
  prev: ProcessedEvent | undefined,
): action is Extract<Action, { kind: 'update-copy' }> {
  if (action.kind !== 'update-copy' || action.form === undefined || !action.source.recurring) return false;
  return action.form === 'busy' ? prev?.rule !== 'busy' : prev?.rule === 'busy';
}

/** calsync took its invitee off a live series (on its own, or with the series' new busy block). */
function seriesInviteeTaken(action: Action): boolean {
  if (!action.source.recurring || action.source.cancelled) return false;
  return action.kind === 'uninvite' || (action.kind === 'mirror' && action.uninvite !== undefined);
}

/**
 * A live series' mirror or block that calsync deleted (an invitation took its
 * place, or the series is no longer shared): its id.
 */
function seriesCopyDeleted(action: Action): string | undefined {
  if (!action.source.recurring || action.source.cancelled) return undefined;
  if (action.kind === 'delete-copy' && action.copyKind === 'mirror') return action.target.eventId;
  if (action.kind === 'invite' && action.replaces) return action.replaces.target.eventId;
  return undefined;
}

/**
 * The changed occurrences of that series are exceptions kept in its mirror,
 * each with what it showed before (a title, a place): they are planned again
 * in this poll (poll.ts) in the series' new form, rather than waiting for
 * their own next change. When the series' copy is `gone`, so are their
 * pointers into it: no later plan updates a deleted occurrence, and no
 * listing of the shared calendar reads its cancellation as a person's.
 */
function revisitOccurrences(
  entries: EventTable,
  seriesId: string,
  now: number,
  copy: 'kept' | 'gone' | 'source',
): void {
  // By the series copy's id (their pointers into it), or by the source series' id (their own ids).
  const prefix = `${seriesId}_`;
  const due: [string, ProcessedEvent][] = [];
  for (const [id, entry] of entries.entries())
    if (copy === 'source' ? id.startsWith(prefix) : entry.copyId?.startsWith(prefix)) due.push([id, entry]);
  for (const [id, entry] of due)
    entries.set(
      id,
      withoutUndefined({
        ...entry,
        ...(copy === 'gone'
          ? { copyId: undefined, copyCalendar: undefined, copyUnconfirmed: undefined }
          : {}),
        sourceUpdated: undefined,
        failure: { reason: SERIES_CHANGED, at: now, attempts: 0 },
      }),
    );
}
