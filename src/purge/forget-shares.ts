/**
 * What a purge without --forget leaves in the state: the truth. The entries
 * of what it undid (copies, mirrors and busy blocks deleted, invitees taken
 * back) go, so that the state no longer claims them (`calsync status` counts
 * no share that is not there) and a later poll does not read an invitee
 * missing as "removed by a person; respected". What a person did stays: a
 * mirror a person deleted is not found by the purge, so its entry (and the
 * respect it carries) is kept. The calendars whose entries went lose their
 * sync token, so the next poll lists them in full and shares everything
 * again, not only the events that change later. An invitee a person had
 * removed (the entry says `dismissed`) stays remembered: purge only took
 * calsync's marker off, and the person's choice holds after it. Pure: run.ts
 * saves it.
 *
 * Before anything is removed, the entries of what is about to go are put in
 * doubt (`doubtBeforeRemoval`) and saved: a purge stopped or killed halfway,
 * or a delete whose answer never came, then leaves a state from which the
 * next poll makes everything again (a copy in doubt is made again; 409 if it
 * is still there), rather than one that claims copies that are gone.
 */
import type { ProcessedEvent, State } from '../state/types.js';
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

/** Which entries an undone share concerns: a copy it kept, or calsync's invitation of it. */
function matcher(
  undone: readonly Undone[],
): (calendarId: string, id: string, entry: ProcessedEvent) => boolean {
  const copies = new Set<string>();
  const invites = new Map<string, Set<string>>();
  for (const u of undone) {
    if (u.kind === 'invite')
      invites.set(u.calendarId, (invites.get(u.calendarId) ?? new Set()).add(u.eventId));
    else copies.add(u.eventId);
  }
  return (calendarId, id, entry) => {
    // A person's removal (or deletion) is theirs: it stays remembered whatever purge did.
    if (entry.delivery === 'dismissed') return false;
    const copyGone =
      entry.copyId !== undefined && (copies.has(entry.copyId) || copies.has(seriesOf(entry.copyId)));
    const invited = invites.get(calendarId);
    // (No rule any more: put in doubt before the removal, below.)
    const inviteGone =
      (entry.rule === 'invite' || entry.rule === undefined) &&
      (invited?.has(id) === true || invited?.has(seriesOf(id)) === true);
    return copyGone || inviteGone;
  };
}

/** Each calendar's entries that `concerns`, changed by `change` (undefined: dropped); their calendars relist in full. */
function rewrite(
  state: State,
  concerns: ReturnType<typeof matcher>,
  change: (entry: ProcessedEvent) => ProcessedEvent | undefined,
): Forgotten {
  let entries = 0;
  const relisted: string[] = [];
  for (const [calendarId, table] of Object.entries(state.events)) {
    const touched: [string, ProcessedEvent][] = [];
    for (const [id, entry] of table.entries()) if (concerns(calendarId, id, entry)) touched.push([id, entry]);
    for (const [id, entry] of touched) {
      const next = change(entry);
      if (next) table.set(id, next);
      else table.delete(id);
    }
    entries += touched.length;
    const cal = state.calendars[calendarId];
    if (touched.length > 0 && cal) {
      delete cal.syncToken;
      relisted.push(calendarId);
    }
  }
  return { entries, relisted };
}

export function forgetUndone(state: State, undone: readonly Undone[]): Forgotten {
  return rewrite(state, matcher(undone), () => undefined);
}

/**
 * Before the removals: what is about to go is held in doubt. A copy's entry
 * keeps its id with `copyUnconfirmed` (made again next poll, never read as a
 * person's deletion); an invitation's entry no longer says calsync invited
 * (an invitee found missing next poll is invited again, not "respected").
 */
export function doubtBeforeRemoval(state: State, about: readonly Undone[]): Forgotten {
  return rewrite(state, matcher(about), (entry) => {
    const next: ProcessedEvent = { ...entry };
    if (next.copyId !== undefined) next.copyUnconfirmed = true;
    if (next.rule === 'invite') {
      delete next.rule;
      delete next.delivery;
    }
    return next;
  });
}
