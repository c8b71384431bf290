/**
 * The applier: turns one planned action into Google calls and says what
 * happened. It never decides policy (the rules did); it only makes writes
 * idempotent: a 409 on insert means the copy exists and is brought up to date,
 * a 404/410 on delete means it is already gone.
 */
import type { ProcessedEvent } from '../state/types.js';
import { classifyGoogleError, type GoogleErrorInfo } from '../google/google-error.js';
import { AuthError, InterruptedError } from '../errors.js';
import { AccountStoppedError, type GoogleAccess } from './api.js';
import { BurntIdError, isBurnt, placeAfterBurntId, type Placed } from './burnt-ids.js';
import { follow, overlay, updateConditionally } from './conditional-update.js';
import { copyOwnership, invitedMarkerKey, markedSourceCalendar, targetOf } from './ownership.js';
import { MARKER, type Action, type EventRef, type GoogleEvent } from './types.js';
import { removeCalsyncInvitee } from './remove-invitee.js';

/** The shared calendar a copy's body names (its `calsyncTarget`). */
function targetOfBody(body: GoogleEvent): string | undefined {
  return body.extendedProperties?.private?.[MARKER.target];
}
import { sameEmail } from '../util/email.js';

/** event_type label values of calsync_events_processed_success_total. */
export type SuccessType =
  | 'birthday_clone'
  | 'gmail_duplicate'
  | 'invite_added'
  | 'mirror_created'
  | 'copy_updated'
  | 'copy_deleted'
  | 'mirror_updated'
  | 'mirror_deleted'
  | 'original_deleted';

export interface Outcome {
  ok: boolean;
  /** Writes actually made (a 409 recovery costs two). */
  writes: number;
  successes: SuccessType[];
  /** Fields to record on the event's state entry when ok. */
  entry: Partial<ProcessedEvent>;
  /** A note for reports ("already invited", "copy existed"). */
  note?: string;
  error?: GoogleErrorInfo;
  authError?: AuthError;
  /** Set when no call was made because the account was stopped for this poll: why. */
  stopped?: string;
  /** The stop was SIGINT or SIGTERM (with `stopped`), not Google's limits. */
  interrupted?: boolean;
  /**
   * Copies this action deleted (each was there until then): calsync's own
   * doing, which the shared calendar's listing must not read as a person's
   * (released-copies.ts).
   */
  deleted?: EventRef[];
}

function isGone(err: unknown): boolean {
  const { status } = classifyGoogleError(err);
  return status === 404 || status === 410;
}

function isDuplicate(err: unknown): boolean {
  const info = classifyGoogleError(err);
  return info.status === 409;
}

/** The account that writes an action's target: the one the rules chose, else the calendar's own. */
function writerOf(api: GoogleAccess, action: { target: EventRef; account?: string }): string {
  return action.account ?? api.accountOf(action.target.calendarId);
}

async function insertOrUpdate(
  api: GoogleAccess,
  account: string,
  source: EventRef,
  target: EventRef,
  body: GoogleEvent,
): Promise<Placed> {
  try {
    return { target, ...(await insertOnce(api, account, source, target, body)) };
  } catch (err) {
    if (!(err instanceof BurntIdError)) throw err;
    // The deterministic id is burnt (deleted, and Google will not restore it): the next one in its sequence.
    const attempt = (next: EventRef) => insertOnce(api, account, source, next, body);
    return placeAfterBurntId(target, err.writes, attempt, err.cause);
  }
}

async function insertOnce(
  api: GoogleAccess,
  account: string,
  source: EventRef,
  target: EventRef,
  body: GoogleEvent,
): Promise<{ writes: number; existed: boolean }> {
  try {
    await api.call(account, 'events.insert', (c) =>
      c.events.insert({
        calendarId: target.calendarId,
        sendUpdates: 'none',
        requestBody: { ...body, id: target.eventId },
      }),
    );
    return { writes: 1, existed: false };
  } catch (err) {
    if (!isDuplicate(err)) throw err;
  }
  // The copy exists (an earlier run crashed after writing, the state was lost,
  // or another source calendar mirrored the same meeting): read it, and bring
  // it up to date only where it differs, conditionally; attendees stay.
  const existing = (
    await api.call(account, 'events.get', (c) =>
      c.events.get({ calendarId: target.calendarId, eventId: target.eventId }),
    )
  ).data;
  // Another install's event under this id (its shared calendar is named in it): never taken over; the
  // id is as good as burnt for this install, which moves along its sequence (burnt-ids.ts).
  const bodyTarget = targetOfBody(body);
  if (bodyTarget !== undefined && copyOwnership(existing, target.calendarId, bodyTarget) === 'theirs')
    throw new BurntIdError(1, new Error(`${target.eventId} is another calsync install's`));
  const mine = markedSourceCalendar(existing);
  // Another source calendar's mirror of the same meeting: it exists, and that calendar keeps it up to date.
  if (existing.status !== 'cancelled' && mine !== undefined && mine !== source.calendarId)
    return { writes: 1, existed: true };
  const { id: _id, attendees: _attendees, ...fields } = body;
  try {
    const r = await updateConditionally(api, account, target, follow(fields), existing);
    return { writes: 1 + r.writes, existed: true };
  } catch (err) {
    // A deleted copy Google will not bring back (403/410): this id is burnt.
    if (isBurnt(err)) throw new BurntIdError(2, err);
    throw err;
  }
}

async function deleteIfPresent(api: GoogleAccess, account: string, target: EventRef): Promise<boolean> {
  try {
    await api.call(account, 'events.delete', (c) =>
      c.events.delete({ calendarId: target.calendarId, eventId: target.eventId, sendUpdates: 'none' }),
    );
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

/** A listed event that is a whole resource (with its etag) can be updated as it is; else it is read first. */
function isFullResource(event: GoogleEvent | undefined): event is GoogleEvent {
  return Boolean(event?.etag && event.start && event.end && event.status !== 'cancelled');
}

/**
 * Adds the invitee with one update (1 unit) of the event as listed, with
 * If-Match: every attendee and response it had stays, and a change made since
 * the listing (412) is read and merged rather than overwritten.
 */
async function invite(
  api: GoogleAccess,
  source: EventRef,
  email: string,
  listed: GoogleEvent | undefined,
): Promise<{ writes: number; already: boolean }> {
  const account = api.accountOf(source.calendarId);
  let already = false;
  const r = await updateConditionally(
    api,
    account,
    source,
    (current) => {
      const attendees = current.attendees ?? [];
      if (attendees.some((a) => sameEmail(a.email, email))) {
        already = true;
        return undefined;
      }
      // The marker survives a lost state file: a person who removes the invitee later is respected.
      // It names this install's shared calendar, beside any other install's marker (ownership.ts).
      const target = targetOf(email);
      return {
        ...overlay(current, { extendedProperties: { private: { [invitedMarkerKey(target)]: target } } }),
        attendees: [...attendees, { email }],
      };
    },
    isFullResource(listed) ? listed : undefined,
  );
  return { writes: r.writes, already };
}

/** Takes calsync's invitee off a source event (conditionally, every other guest stays): the writes made. */
async function uninvite(
  api: GoogleAccess,
  source: EventRef,
  what: { email: string; event: GoogleEvent },
): Promise<number> {
  const account = api.accountOf(source.calendarId);
  const listed = isFullResource(what.event) ? what.event : undefined;
  const r = await removeCalsyncInvitee(
    api,
    account,
    source.calendarId,
    { id: source.eventId },
    what.email,
    listed,
  );
  return r === 'gone' ? 0 : 1;
}

const copied = (rule: ProcessedEvent['rule'], target: EventRef): Partial<ProcessedEvent> => ({
  rule,
  copyCalendar: target.calendarId,
  copyId: target.eventId,
});

/** A copy sent to the shared calendar as an invitation waits until its listing shows it arrived (delivery.ts). */
const invitationSent = (body: GoogleEvent): Partial<ProcessedEvent> => ({
  delivery: (body.attendees ?? []).length > 0 ? 'pending' : undefined,
});

/**
 * A copy calsync keeps was deleted by a person and cannot be changed any more
 * (403 or 410 on its update): respected, it is not made again (rules.ts), and
 * the event is done rather than failed at every poll.
 */
function dismissedByAPerson(): Omit<Outcome, 'ok'> {
  return {
    writes: 1,
    successes: [],
    entry: { delivery: 'dismissed' },
    note: 'its copy was deleted by a person; respected',
  };
}

async function execute(api: GoogleAccess, action: Action): Promise<Omit<Outcome, 'ok'>> {
  switch (action.kind) {
    case 'skip':
      return { writes: 0, successes: [], entry: {}, note: action.reason };
    case 'copy-birthday': {
      const r = await insertOrUpdate(api, writerOf(api, action), action.source, action.target, action.body);
      return {
        writes: r.writes,
        successes: ['birthday_clone'],
        entry: { ...copied('birthday', r.target), ...invitationSent(action.body) },
        note: r.existed ? 'copy existed; updated' : undefined,
      };
    }
    case 'copy-gmail': {
      const r = await insertOrUpdate(api, writerOf(api, action), action.source, action.target, action.body);
      if (!action.deleteOriginal)
        return {
          writes: r.writes,
          successes: ['gmail_duplicate'],
          entry: { ...copied('gmail', r.target), ...invitationSent(action.body) },
        };
      const deleted = await deleteIfPresent(api, api.accountOf(action.source.calendarId), action.source);
      return {
        writes: r.writes + 1,
        successes: deleted ? ['gmail_duplicate', 'original_deleted'] : ['gmail_duplicate'],
        entry: { ...copied('gmail', r.target), ...invitationSent(action.body), action: 'delete-original' },
      };
    }
    case 'mirror': {
      // An invited event that turned private: its invitee goes before its busy block is made.
      const taken = action.uninvite ? await uninvite(api, action.source, action.uninvite) : 0;
      const r = await insertOrUpdate(api, writerOf(api, action), action.source, action.target, action.body);
      const busy = action.form === 'busy';
      return {
        writes: r.writes + taken,
        successes: ['mirror_created'],
        // An invitation that never arrived, now replaced by this mirror (organizedEvents mirror), is no longer awaited.
        entry: { ...copied(busy ? 'busy' : 'mirror', r.target), delivery: undefined },
        note: r.existed ? `${busy ? 'busy block' : 'mirror'} existed; updated` : undefined,
      };
    }
    case 'uninvite': {
      const taken = await uninvite(api, action.source, action);
      return {
        writes: taken,
        successes: [],
        entry: { rule: undefined, delivery: action.dismissed ? 'dismissed' : undefined },
        note: taken > 0 ? 'invitee calsync added removed' : 'invitee was gone already',
      };
    }
    case 'invite': {
      const r = await invite(api, action.source, action.email, action.event);
      // Invited, the event has no copy of calsync's: an occurrence's pointer into a series mirror that is
      // gone (or going) is dropped, so that no later plan updates it.
      const forgotten = action.replaces ? {} : { copyId: undefined, copyCalendar: undefined };
      const invited: Omit<Outcome, 'ok'> = {
        writes: r.writes,
        successes: r.already ? [] : ['invite_added'],
        entry: r.already
          ? { rule: 'invite', ...forgotten }
          : { rule: 'invite', delivery: 'pending', ...forgotten },
        note: r.already ? 'already invited' : undefined,
      };
      if (!action.replaces) return invited;
      // Invited first: the mirror it replaces goes only once the meeting is on its way there.
      const gone = await deleteIfPresent(api, writerOf(api, action.replaces), action.replaces.target);
      return {
        ...invited,
        deleted: gone ? [action.replaces.target] : [],
        writes: invited.writes + 1,
        successes: [...invited.successes, 'mirror_deleted'],
        entry: { ...invited.entry, copyId: undefined, copyCalendar: undefined },
        note: 'invited; the mirror it had went',
      };
    }
    case 'update-copy': {
      // Read (1 unit) and update with If-Match (1 unit): 2 units where a patch costs 3.
      let r: { writes: number };
      try {
        r = await updateConditionally(api, writerOf(api, action), action.target, follow(action.body));
      } catch (err) {
        if (isBurnt(err)) return dismissedByAPerson();
        throw err;
      }
      return {
        writes: r.writes,
        successes: [action.copyKind === 'mirror' ? 'mirror_updated' : 'copy_updated'],
        // A mirror turned into a busy block, or back, in place.
        entry: action.form ? { rule: action.form === 'busy' ? 'busy' : 'mirror' } : {},
      };
    }
    case 'delete-copy': {
      const gone = await deleteIfPresent(api, writerOf(api, action), action.target);
      return {
        writes: 1,
        deleted: gone ? [action.target] : [],
        successes: [action.copyKind === 'mirror' ? 'mirror_deleted' : 'copy_deleted'],
        entry: { copyId: undefined, copyCalendar: undefined, delivery: undefined },
      };
    }
    case 'update-occurrence': {
      const { target, body } = action;
      if (body === null) {
        const gone = await deleteIfPresent(api, writerOf(api, action), target);
        return {
          writes: 1,
          deleted: gone ? [target] : [],
          successes: ['mirror_deleted'],
          entry: { rule: 'occurrence', copyId: undefined, copyCalendar: undefined },
        };
      }
      // The occurrence as Google serves it (an unchanged one too), updated with If-Match: 2 units.
      let r: { writes: number };
      try {
        r = await updateConditionally(api, writerOf(api, action), target, follow(body));
      } catch (err) {
        if (isBurnt(err)) return dismissedByAPerson();
        throw err;
      }
      return { writes: r.writes, successes: ['mirror_updated'], entry: copied('occurrence', target) };
    }
    case 'delete-orphans': {
      // Each candidate costs one delete; 404/410 means calsync never made it.
      const found: SuccessType[] = [];
      const deleted: EventRef[] = [];
      for (const orphan of action.targets)
        if (await deleteIfPresent(api, writerOf(api, orphan), orphan.target)) {
          found.push(orphan.copyKind === 'mirror' ? 'mirror_deleted' : 'copy_deleted');
          deleted.push(orphan.target);
        }
      return {
        writes: action.targets.length,
        deleted,
        successes: found,
        entry: {},
        note:
          found.length > 0
            ? `deleted ${found.length} ${found.length === 1 ? 'copy' : 'copies'} left without an entry`
            : 'no copy found',
      };
    }
    case 'delete-original': {
      const deleted = await deleteIfPresent(api, api.accountOf(action.source.calendarId), action.source);
      return { writes: 1, successes: deleted ? ['original_deleted'] : [], entry: {} };
    }
  }
}

export async function applyAction(api: GoogleAccess, action: Action): Promise<Outcome> {
  try {
    const r = await execute(api, action);
    return { ok: true, ...r };
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, writes: 0, successes: [], entry: {}, authError: err };
    if (err instanceof AccountStoppedError)
      return { ok: false, writes: 0, successes: [], entry: {}, stopped: err.message };
    // SIGINT or SIGTERM before this action's request went out (or between two of its requests).
    if (err instanceof InterruptedError)
      return { ok: false, writes: 0, successes: [], entry: {}, stopped: err.message, interrupted: true };
    return { ok: false, writes: 0, successes: [], entry: {}, error: classifyGoogleError(err) };
  }
}
