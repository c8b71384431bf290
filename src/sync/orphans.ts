/**
 * Cancelled sources calsync has no entry for (a lost or corrupt state, an
 * entry `clean` dropped, a crash before a checkpoint): the copies it could
 * have made have deterministic ids (ids.ts), so they are looked for by id,
 * one delete each (404/410: there was none), paced and counted in the write
 * budget like any other write. Pure: the rules and the poll ask, the applier deletes.
 *
 * The cost is bounded: a full listing (first sync, --full-resync, 410) holds
 * every cancellation Google still keeps, almost none of them calsync's, so
 * there only cancellations made in the last ORPHAN_RECENT_MS are looked for;
 * an incremental listing holds only what changed since the last poll, so
 * every cancellation in it without an entry is.
 */
import type { ProcessedEvent } from '../state/types.js';
import { epochMs } from '../util/time.js';
import { copyEventId, isCopyId, splitInstanceId } from './ids.js';
import type { Action, CopyKind, Elsewhere, EventRef, GoogleEvent, RuleSettings } from './types.js';

/** How recent a cancellation in a full listing must be for its copies to be looked for. */
export const ORPHAN_RECENT_MS = 3 * 86_400_000;

export interface OrphanTarget {
  target: EventRef;
  copyKind: CopyKind;
  /** On the shared calendar: the account that may write it (the mirror writer). */
  account?: string;
}

/**
 * Whether a cancellation is one whose copies are to be looked for: no entry
 * says what calsync made of it (none at all, or one left by a failed or
 * deferred action without a copy), it is no occurrence (those follow their
 * series' entry) and no copy of calsync's own, and it is recent enough.
 */
export function searchesOrphans(
  event: GoogleEvent,
  entry: ProcessedEvent | undefined,
  settings: RuleSettings,
): boolean {
  if (settings.orphanSince === undefined) return false;
  const id = event.id ?? '';
  if (id === '' || isCopyId(id) || event.recurringEventId || splitInstanceId(id)) return false;
  if (entry) return entry.action === 'pending' && !entry.rule && !entry.copyId;
  const updated = epochMs(event.updated);
  return settings.orphanSince <= 0 || (updated !== undefined && updated >= settings.orphanSince);
}

/**
 * The copies calsync could have made of a source event, minus a mirror
 * another source calendar still holds. Those on the shared calendar are
 * deleted by the mirror writer; with none, they are not looked for (no
 * account could have written them).
 */
export function orphanTargets(
  calendarId: string,
  eventId: string,
  settings: RuleSettings,
  elsewhere: Elsewhere | undefined,
): OrphanTarget[] {
  const birthday = {
    calendarId: settings.birthdayCopyCalendar ?? calendarId,
    eventId: copyEventId(settings.target, calendarId, eventId, 'birthday'),
  };
  const gmail = { calendarId, eventId: copyEventId(settings.target, calendarId, eventId, 'gmail') };
  const mirror = {
    calendarId: settings.inviteEmail,
    eventId: copyEventId(settings.target, calendarId, eventId, 'mirror'),
  };
  const out: OrphanTarget[] = [];
  const add = (target: EventRef, copyKind: CopyKind): void => {
    if (target.calendarId.toLowerCase() !== settings.inviteEmail.toLowerCase())
      out.push({ target, copyKind });
    else if (settings.mirrorWriter) out.push({ target, copyKind, account: settings.mirrorWriter });
  };
  add(birthday, 'copy');
  add(gmail, 'copy');
  if (!elsewhere?.holdsMirror(mirror.eventId)) add(mirror, 'mirror');
  return out;
}

/**
 * Checked again right before it runs (calendars are polled side by side):
 * a mirror another calendar took up since planning stays.
 */
export function recheckOrphans(action: Action, elsewhere: Elsewhere): Action {
  if (action.kind !== 'delete-orphans') return action;
  const targets = action.targets.filter(
    (t) => t.copyKind !== 'mirror' || !elsewhere.holdsMirror(t.target.eventId),
  );
  return targets.length === action.targets.length ? action : { ...action, targets };
}
