/**
 * Copies calsync deleted itself. A meeting two source accounts attend has one
 * mirror or busy block on the shared calendar (one id space per meeting:
 * ids.ts), so when one account's action deletes it on purpose (an invitation
 * takes its place, a block goes), the other account's entry still points at
 * it. The shared calendar's listing then shows it cancelled, and the delivery
 * check (delivery.ts) reads a cancelled copy an entry keeps as a person's
 * deletion: "dismissed", never made again, for the whole meeting. So the
 * moment calsync deletes a copy, every entry that points at it lets go of it.
 */
import type { ProcessedEvent, State } from '../state/types.js';
import type { EventRef } from './types.js';

/**
 * Lets every entry that points at a copy in `deleted` go of it, before the
 * action's own outcome is recorded (`acting`: the entry of the action that
 * deleted it, whose outcome says what it holds now). A dismissal such an entry
 * carries goes too: the copy was there until calsync deleted it, so no person
 * had deleted it (a listing read while the delete was under way saw calsync's
 * own). The other entries wait (`waits`: record.ts's deferral) to be planned
 * again at the next poll (fetched by id, seen as changed), so a meeting still
 * to be shown gets a copy of its own.
 */
export function releaseDeletedCopies(
  state: State,
  deleted: readonly EventRef[],
  acting: { calendarId: string; eventId: string },
  waits: NonNullable<ProcessedEvent['failure']>,
): void {
  for (const copy of deleted) {
    for (const [calendarId, table] of Object.entries(state.events)) {
      if (!table.holdsCopy(copy.eventId)) continue;
      const holders: [string, ProcessedEvent][] = [];
      for (const [entryId, entry] of table.entries())
        if (entry.copyId === copy.eventId && (entry.copyCalendar ?? copy.calendarId) === copy.calendarId)
          holders.push([entryId, entry]);
      for (const [entryId, entry] of holders) {
        const next: ProcessedEvent = { ...entry };
        delete next.copyId;
        delete next.copyCalendar;
        delete next.copyUnconfirmed;
        if (next.delivery === 'dismissed') delete next.delivery;
        if (calendarId !== acting.calendarId || entryId !== acting.eventId) {
          delete next.sourceUpdated;
          next.failure = waits;
        }
        table.set(entryId, next);
      }
    }
  }
}
