/**
 * The applier: turns one planned action into Google calls and says what
 * happened. It never decides policy (the rules did); it only makes writes
 * idempotent: a 409 on insert means the copy exists and is brought up to date,
 * a 404/410 on delete means it is already gone.
 */
import type { ProcessedEvent } from '../state/types.js';
import { classifyGoogleError, type GoogleErrorInfo } from '../google/google-error.js';
import { AuthError } from '../errors.js';
import { AccountStoppedError, type GoogleAccess } from './api.js';
import { BurntIdError, isBurnt, placeAfterBurntId, type Placed } from './burnt-ids.js';
import { asPatch } from './copies.js';
import { MARKER, type Action, type EventRef, type GoogleEvent } from './types.js';

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
}

const sameEmail = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

function isGone(err: unknown): boolean {
  const { status } = classifyGoogleError(err);
  return status === 404 || status === 410;
}

function isDuplicate(err: unknown): boolean {
  const info = classifyGoogleError(err);
  return info.status === 409;
}

async function insertOrUpdate(api: GoogleAccess, target: EventRef, body: GoogleEvent): Promise<Placed> {
  try {
    return { target, ...(await insertOnce(api, target, body)) };
  } catch (err) {
    if (!(err instanceof BurntIdError)) throw err;
    // The deterministic id is burnt (deleted, and Google will not restore it): the next one in its sequence.
    return placeAfterBurntId(target, err.writes, (next) => insertOnce(api, next, body), err.cause);
  }
}

async function insertOnce(
  api: GoogleAccess,
  target: EventRef,
  body: GoogleEvent,
): Promise<{ writes: number; existed: boolean }> {
  const account = api.accountOf(target.calendarId);
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
  // The copy exists (an earlier run crashed after writing, or the state was lost):
  // bring it up to date instead of making a second one.
  const { id: _id, attendees: _attendees, ...fields } = body;
  try {
    await api.call(account, 'events.patch', (c) =>
      c.events.patch({
        calendarId: target.calendarId,
        eventId: target.eventId,
        sendUpdates: 'none',
        requestBody: asPatch({ ...fields, status: 'confirmed' }),
      }),
    );
  } catch (err) {
    if (isBurnt(err)) throw new BurntIdError(2, err);
    throw err;
  }
  return { writes: 2, existed: true };
}

async function deleteIfPresent(api: GoogleAccess, target: EventRef): Promise<boolean> {
  try {
    await api.call(api.accountOf(target.calendarId), 'events.delete', (c) =>
      c.events.delete({ calendarId: target.calendarId, eventId: target.eventId, sendUpdates: 'none' }),
    );
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

async function invite(
  api: GoogleAccess,
  source: EventRef,
  email: string,
): Promise<{ writes: number; already: boolean }> {
  const account = api.accountOf(source.calendarId);
  // Patch replaces the attendee array whole: read the current list and send it merged.
  const current = await api.call(account, 'events.get', (c) =>
    c.events.get({ calendarId: source.calendarId, eventId: source.eventId }),
  );
  const attendees = current.data.attendees ?? [];
  if (attendees.some((a) => sameEmail(a.email, email))) return { writes: 0, already: true };
  await api.call(account, 'events.patch', (c) =>
    c.events.patch({
      calendarId: source.calendarId,
      eventId: source.eventId,
      sendUpdates: 'none',
      requestBody: {
        attendees: [...attendees, { email }],
        extendedProperties: { private: { [MARKER.invited]: '1' } },
      },
    }),
  );
  return { writes: 1, already: false };
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
      const r = await insertOrUpdate(api, action.target, action.body);
      return {
        writes: r.writes,
        successes: ['birthday_clone'],
        entry: { ...copied('birthday', r.target), ...invitationSent(action.body) },
        note: r.existed ? 'copy existed; updated' : undefined,
      };
    }
    case 'copy-gmail': {
      const r = await insertOrUpdate(api, action.target, action.body);
      if (!action.deleteOriginal)
        return {
          writes: r.writes,
          successes: ['gmail_duplicate'],
          entry: { ...copied('gmail', r.target), ...invitationSent(action.body) },
        };
      const deleted = await deleteIfPresent(api, action.source);
      return {
        writes: r.writes + 1,
        successes: deleted ? ['gmail_duplicate', 'original_deleted'] : ['gmail_duplicate'],
        entry: { ...copied('gmail', r.target), ...invitationSent(action.body), action: 'delete-original' },
      };
    }
    case 'mirror': {
      const r = await insertOrUpdate(api, action.target, action.body);
      return {
        writes: r.writes,
        successes: ['mirror_created'],
        // An invitation that never arrived, now replaced by this mirror (organizedEvents mirror), is no longer awaited.
        entry: { ...copied('mirror', r.target), delivery: undefined },
        note: r.existed ? 'mirror existed; updated' : undefined,
      };
    }
    case 'invite': {
      const r = await invite(api, action.source, action.email);
      return {
        writes: r.writes,
        successes: r.already ? [] : ['invite_added'],
        entry: r.already ? { rule: 'invite' } : { rule: 'invite', delivery: 'pending' },
        note: r.already ? 'already invited' : undefined,
      };
    }
    case 'update-copy': {
      try {
        await api.call(api.accountOf(action.target.calendarId), 'events.patch', (c) =>
          c.events.patch({
            calendarId: action.target.calendarId,
            eventId: action.target.eventId,
            sendUpdates: 'none',
            requestBody: action.body,
          }),
        );
      } catch (err) {
        if (isBurnt(err)) return dismissedByAPerson();
        throw err;
      }
      return {
        writes: 1,
        successes: [action.copyKind === 'mirror' ? 'mirror_updated' : 'copy_updated'],
        entry: {},
      };
    }
    case 'delete-copy': {
      await deleteIfPresent(api, action.target);
      return {
        writes: 1,
        successes: [action.copyKind === 'mirror' ? 'mirror_deleted' : 'copy_deleted'],
        entry: { copyId: undefined, copyCalendar: undefined, delivery: undefined },
      };
    }
    case 'update-occurrence': {
      const { target, body } = action;
      if (body === null) {
        await deleteIfPresent(api, target);
        return {
          writes: 1,
          successes: ['mirror_deleted'],
          entry: { rule: 'occurrence', copyId: undefined, copyCalendar: undefined },
        };
      }
      try {
        await api.call(api.accountOf(target.calendarId), 'events.patch', (c) =>
          c.events.patch({
            calendarId: target.calendarId,
            eventId: target.eventId,
            sendUpdates: 'none',
            requestBody: body,
          }),
        );
      } catch (err) {
        if (isBurnt(err)) return dismissedByAPerson();
        throw err;
      }
      return { writes: 1, successes: ['mirror_updated'], entry: copied('occurrence', target) };
    }
    case 'delete-original': {
      const deleted = await deleteIfPresent(api, action.source);
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
    return { ok: false, writes: 0, successes: [], entry: {}, error: classifyGoogleError(err) };
  }
}
