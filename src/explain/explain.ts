/**
 * `calsync explain`: for one source event, what the rules decide now (the
 * same pure planEvent the poll runs, with the same state entry), what
 * calsync did and when, whether its copy or mirror exists on Google now, and
 * whether its invitation reached the shared calendar. It only reads.
 */
import type { Settings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { readState, type ProcessedEvent, type State } from '../state/index.js';
import { GoogleAccess } from '../sync/api.js';
import { splitInstanceId } from '../sync/ids.js';
import { planEvent, writesShared } from '../sync/rules.js';
import { MirrorWriters, type MirrorWriter } from '../sync/mirror-writer.js';
import { ruleSettingsFor } from '../sync/rule-settings.js';
import { elsewhereOf } from '../sync/shared-calendar.js';
import { invitedByThisInstall, targetOf } from '../sync/ownership.js';
import type { Action, EventRef, GoogleEvent } from '../sync/types.js';
import { log } from '../util/log.js';
import { locateById, locateByTitle, readEvent, searchCalendars, type Located } from './locate.js';
import { sameEmail } from '../util/email.js';

export interface ExplainOptions {
  settings: Settings;
  /** An event id, or words of its title. */
  query: string;
  calendar?: string;
}

export type Presence = 'exists' | 'cancelled' | 'missing';

export interface Explanation {
  calendarId: string;
  eventId: string;
  summary?: string;
  start?: string;
  /** What was asked about, when it is a copy or mirror of this event. */
  via?: Located['via'];
  /** The source is gone from Google (its copy was found). */
  sourceMissing?: true;
  /** What the rules decide now, and in words. */
  decision?: {
    action: Action['kind'];
    reason?: string;
    target?: string;
    why: string;
    /** How much is shared (sync/privacy.ts), and the rule that said so. */
    privacy?: 'full' | 'busy' | 'skip';
    privacyRule?: string;
  };
  /** The state entry, as recorded; `at` as ISO time. */
  entry?: ProcessedEvent & { recordedAt: string };
  /** Waiting for a retry at the next poll, and why. */
  waiting?: { reason: string; since: string; attempts: number };
  copy?: EventRef & { kind: 'copy' | 'mirror' | 'busy block'; presence: Presence };
  invitation?: {
    /** The shared calendar is a guest of the event now. */
    guest: boolean;
    /** calsync added it (the invited marker). */
    byCalsync: boolean;
    /** Whether the event is on the shared calendar now (one live read); undefined when it could not be read. */
    reached?: boolean;
    /** What the polls' delivery check recorded (sync/delivery.ts); absent: delivered, or not awaited. */
    recorded?: 'pending' | 'missing' | 'dismissed';
  };
}

export interface ExplainReport {
  query: string;
  /** Found by id, or by title. */
  by: 'id' | 'title';
  explanations: Explanation[];
  /** A title search found more than it explains. */
  more: boolean;
  stateNote?: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** An id Google could have made, or calsync: base32hex-ish letters and digits, maybe an occurrence suffix. */
export function looksLikeId(text: string): boolean {
  return /^[a-zA-Z0-9_@.-]{5,1024}$/.test(text) && !/\s/.test(text);
}

function why(action: Action): string {
  switch (action.kind) {
    case 'skip':
      if (action.privacy?.share === 'skip') return `not shared: ${action.reason}`;
      if (action.privacy?.share === 'busy')
        return `shared as a busy block (${action.privacy.why ?? 'busy'}); nothing to do: ${action.reason}`;
      return `nothing to do: ${action.reason}`;
    case 'copy-birthday':
      return `a birthday: the next poll copies it to ${action.target.calendarId}, with the shared calendar as guest`;
    case 'copy-gmail':
      return `an event from Gmail: the next poll copies it, with the shared calendar as guest${action.deleteOriginal ? ', then deletes the original' : ''}`;
    case 'invite':
      return `the account's own event without the shared calendar as guest: the next poll invites ${action.email}`;
    case 'mirror':
      return action.form === 'busy'
        ? `shared as a busy block (${action.privacy?.why ?? 'busy'}): the next poll ${action.uninvite ? 'takes back the invitee calsync added, then ' : ''}puts a busy block with its time only on the shared calendar`
        : 'someone else organizes it: the next poll mirrors it onto the shared calendar';
    case 'uninvite':
      return `no longer shared in full (${action.privacy?.why ?? 'privacy'}): the next poll takes back the invitee calsync added, every other guest stays`;
    case 'update-copy':
      if (action.form === 'busy')
        return `shared as a busy block (${action.privacy?.why ?? 'busy'}): the next poll turns its mirror into a busy block, or brings the block up to date`;
      return `it changed since its ${action.copyKind} was written: the next poll brings the ${action.copyKind} up to date`;
    case 'delete-copy':
      return `it is cancelled, declined or no longer calsync's to show: the next poll deletes its ${action.copyKind}`;
    case 'update-occurrence':
      return action.body === null
        ? 'this occurrence leaves the mirrored series at the next poll'
        : "the next poll changes this occurrence of the series' mirror";
    case 'delete-original':
      return 'its copy exists and gmailOriginal is delete: the next poll deletes the original';
    case 'delete-orphans':
      return 'it is cancelled and calsync has no record of it: the next poll deletes any copy or mirror it could have made';
  }
}

function decide(
  settings: Settings,
  state: State,
  source: EventRef,
  event: GoogleEvent,
  writer: MirrorWriter,
): Action {
  const entries = state.events[source.calendarId];
  const masterId = event.recurringEventId ?? splitInstanceId(event.id ?? '')?.masterId;
  const master = masterId ? entries?.get(masterId) : undefined;
  return planEvent({
    calendarId: source.calendarId,
    event,
    entry: entries?.get(source.eventId),
    // As planChanges decides it from the state for a series mirrored in an earlier poll.
    seriesMirrored:
      (master?.rule === 'mirror' || master?.rule === 'busy') &&
      Boolean(master.copyId) &&
      !master.copyUnconfirmed &&
      master.delivery !== 'dismissed',
    seriesBusy: master?.rule === 'busy',
    seriesInvited: master?.rule === 'invite',
    // orphanSince 0: as an incremental listing (a cancellation without an entry is looked for).
    settings: ruleSettingsFor(settings, writer, {
      orphanSince: 0,
      sourceName: state.calendars[source.calendarId]?.name ?? source.calendarId,
    }),
    elsewhere: elsewhereOf(state, source.calendarId),
  });
}

async function presence(api: GoogleAccess, ref: EventRef): Promise<Presence> {
  const event = await readEvent(api, ref);
  if (!event) return 'missing';
  return event.status === 'cancelled' ? 'cancelled' : 'exists';
}

async function explainOne(
  api: GoogleAccess,
  settings: Settings,
  state: State,
  located: Located,
  writers: MirrorWriters,
): Promise<Explanation> {
  const { source, event } = located;
  const out: Explanation = {
    calendarId: source.calendarId,
    eventId: source.eventId,
    ...(event?.summary ? { summary: event.summary } : {}),
    ...(event?.start ? { start: event.start.dateTime ?? event.start.date ?? undefined } : {}),
    ...(located.via ? { via: located.via } : {}),
  };
  const entry = state.events[source.calendarId]?.get(source.eventId);
  if (entry) out.entry = { ...entry, recordedAt: iso(entry.at) };
  if (entry?.failure)
    out.waiting = {
      reason: entry.failure.reason,
      since: iso(entry.failure.at),
      attempts: entry.failure.attempts,
    };
  // A source gone from Google is planned as the poll plans it: as cancelled.
  const planned = event ?? { id: source.eventId, status: 'cancelled' };
  if (!event) out.sourceMissing = true;
  // As the poll plans: first as if the source's own account may write the
  // shared calendar; only a plan that writes there asks who may.
  const account = api.accountOf(source.calendarId);
  let action = decide(settings, state, source, planned, { account });
  if (writesShared(action, settings.inviteEmail ?? '')) {
    const writer = await writers.writerFor(account);
    if (writer.account !== account) action = decide(settings, state, source, planned, writer);
  }
  out.decision = {
    action: action.kind,
    ...(action.kind === 'skip' ? { reason: action.reason } : {}),
    ...(action.privacy
      ? { privacy: action.privacy.share, ...(action.privacy.why ? { privacyRule: action.privacy.why } : {}) }
      : {}),
    ...('target' in action ? { target: `${action.target.calendarId}/${action.target.eventId}` } : {}),
    why: why(action),
  };
  const copy: EventRef | undefined =
    entry?.copyCalendar && entry.copyId
      ? { calendarId: entry.copyCalendar, eventId: entry.copyId }
      : 'target' in action && action.kind !== 'update-occurrence'
        ? action.target
        : undefined;
  const mirrored = entry?.rule === 'mirror' || entry?.rule === 'occurrence' || action.kind === 'mirror';
  const busy = entry?.rule === 'busy' || (action.kind === 'mirror' && action.form === 'busy');
  if (copy)
    out.copy = {
      ...copy,
      kind: busy ? 'busy block' : mirrored ? 'mirror' : 'copy',
      presence: await presence(api, copy),
    };
  const shared = settings.inviteEmail ?? '';
  const guestOf = (e: GoogleEvent | undefined) =>
    (e?.attendees ?? []).some((a) => sameEmail(a.email, shared));
  // What carries the invitation: the event itself (invite), or its copy (birthday, Gmail).
  const invitedRef =
    event && guestOf(event)
      ? source
      : copy && out.copy?.presence === 'exists' && copy.calendarId !== shared
        ? copy
        : undefined;
  if (shared && invitedRef) {
    // The polls' delivery check records arrival in the state; one live read
    // of the shared calendar says whether it is there now.
    let reached: boolean | undefined;
    try {
      reached = (await presence(api, { calendarId: shared, eventId: invitedRef.eventId })) === 'exists';
    } catch (err) {
      log.warn(`cannot read the shared calendar ${shared}: ${errorMessage(err)}`);
    }
    out.invitation = {
      guest: true,
      byCalsync:
        (event !== undefined && invitedByThisInstall(event, targetOf(shared))) || invitedRef !== source,
      ...(reached !== undefined ? { reached } : {}),
      // A pending delivery the live read just saw arrive says nothing more (the next poll records it).
      ...(entry?.delivery && !(entry.delivery === 'pending' && reached) ? { recorded: entry.delivery } : {}),
    };
  }
  return out;
}

export async function runExplain(opts: ExplainOptions): Promise<ExplainReport> {
  const { settings, query } = opts;
  const calendars = searchCalendars(settings, opts.calendar);
  const api = new GoogleAccess(settings);
  let state: State;
  let stateNote: string | undefined;
  try {
    state = await readState(settings.configDir);
  } catch (err) {
    stateNote = `the state could not be read (${errorMessage(err)}): explained as if calsync had done nothing`;
    state = (await import('../state/index.js')).emptyState();
  }
  let by: ExplainReport['by'] = 'id';
  let found = looksLikeId(query) ? await locateById(api, settings, calendars, query) : [];
  let more = false;
  if (found.length === 0) {
    by = 'title';
    ({ found, more } = await locateByTitle(api, settings, calendars, query));
  }
  const writers = new MirrorWriters(api, settings);
  const explanations: Explanation[] = [];
  for (const located of found) explanations.push(await explainOne(api, settings, state, located, writers));
  return { query, by, explanations, more, ...(stateNote ? { stateNote } : {}) };
}
