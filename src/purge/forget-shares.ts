/**
 * What a purge without --forget leaves in the state: the truth. The entries
 * of what it undid (copies, mirrors and busy blocks deleted, invitees taken
 * back) go, so that the state no longer claims them (`calsync status` counts
 * no share that is not there) and a later poll does not read an invitee
 * missing as "removed by a person; respected". What a person did stays: a
 * mirror a person deleted is not found by the purge, so its entry (and the
 * respect it carries) is kept. The calendars whose entries went lose their
 * sync token, so the next poll lists them in full and shares everything
 * again, not only the events that change later. Pure: run.ts saves it.
 */
import type { State } from '../state/types.js';
import { splitInstanceId } from '../sync/ids.js';
import type { PurgeKind } from '../sync/marked-events.js';

export interface Undone {
  /** The calendar the event was removed from (or, for an invite, the source calendar it was taken back on). */
  calendarId: string;
  eventId: string;
  kind: PurgeKind;
}

export interface Forgotten {
  /** Entries dropped. */
  entries: number;
  /** Source calendars whose sync token went: their next poll lists in full. */
  relisted: string[];
}

/** An id, or the series it is an occurrence of: deleting a series takes its occurrences with it. */
const seriesOf = (id: string): string => splitInstanceId(id)?.masterId ?? id;

export function forgetUndone(state: State, undone: readonly Undone[]): Forgotten {
  const copies = new Set<string>();
  const invites = new Map<string, Set<string>>();
  for (const u of undone) {
    if (u.kind === 'invite')
      invites.set(u.calendarId, (invites.get(u.calendarId) ?? new Set()).add(u.eventId));
    else copies.add(u.eventId);
  }
  let entries = 0;
  const relisted: string[] = [];
  for (const [calendarId, table] of Object.entries(state.events)) {
    const invited = invites.get(calendarId);
    const drop: string[] = [];
    for (const [id, entry] of table.entries()) {
      const copyGone =
        entry.copyId !== undefined && (copies.has(entry.copyId) || copies.has(seriesOf(entry.copyId)));
      const inviteGone =
        entry.rule === 'invite' && (invited?.has(id) === true || invited?.has(seriesOf(id)) === true);
      if (copyGone || inviteGone) drop.push(id);
    }
    for (const id of drop) table.delete(id);
    entries += drop.length;
    const cal = state.calendars[calendarId];
    if (drop.length > 0 && cal) {
      delete cal.syncToken;
      relisted.push(calendarId);
    }
  }
  return { entries, relisted };
}
