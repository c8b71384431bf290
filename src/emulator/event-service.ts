/**
 * Event writes shared by the HTTP handlers and the in-process API, so a seeded
 * change and an API change behave alike (sync stream, watchers, invitations).
 */
import { buildEvent, instanceStamp, materializeInstance, parseInstanceId } from './event-model.js';
import { deliverInvitations } from './invitations.js';
import { isYearlyOccurrence, isYearlySeries } from './recurrence.js';
import type { CalendarRecord, Store, StoredEvent } from './store.js';
import type { GoogleEvent } from './types.js';

export class EventService {
  constructor(
    private readonly store: Store,
    private readonly baseUrl: () => string,
  ) {}

  /** Creates an event with Google's defaults; the caller has validated it. */
  create(cal: CalendarRecord, input: GoogleEvent, creatorEmail: string): StoredEvent {
    const withId = { ...input };
    if (!withId.id && withId.recurringEventId && withId.originalStartTime) {
      const stamp = instanceStamp(withId.originalStartTime);
      if (stamp) withId.id = `${withId.recurringEventId}_${stamp}`;
    }
    const event = buildEvent(cal.id, withId, creatorEmail, this.baseUrl());
    return this.save(cal, event, true);
  }

  /** Stores a new version and delivers the invitations it implies. */
  save(cal: CalendarRecord, event: GoogleEvent, keepUpdated = false): StoredEvent {
    const stored = this.store.putEvent(cal, event, keepUpdated);
    deliverInvitations(this.store, cal, stored);
    if (event.status === 'cancelled' && event.recurrence?.length) this.cancelExceptions(cal, event.id ?? '');
    return stored;
  }

  /**
   * Deleting a recurring event deletes all its instances (events.delete
   * reference; the "Recurring events" guide): a moved or changed occurrence
   * stored as an exception goes with its series.
   */
  private cancelExceptions(cal: CalendarRecord, masterId: string): void {
    for (const s of [...cal.events.values()]) {
      if (s.event.recurringEventId !== masterId || s.event.status === 'cancelled') continue;
      const stored = this.store.putEvent(cal, { ...s.event, status: 'cancelled' });
      deliverInvitations(this.store, cal, stored);
    }
  }

  /**
   * An event by id; an unmodified occurrence of a series (`<masterId>_<stamp>`)
   * is produced from its master, as Google serves instance ids it never stored.
   */
  find(cal: CalendarRecord, eventId: string): GoogleEvent | undefined {
    const stored = cal.events.get(eventId);
    if (stored) return stored.event;
    const parsed = parseInstanceId(eventId);
    if (!parsed) return undefined;
    const master = cal.events.get(parsed.masterId)?.event;
    if (!master?.recurrence || master.recurrence.length === 0) return undefined;
    if (master.status === 'cancelled') return undefined;
    // A yearly series has only the dates its rule gives (no 29 February in 2027).
    if (isYearlySeries(master) && !isYearlyOccurrence(master, parsed.stamp.slice(0, 8))) return undefined;
    return materializeInstance(master, eventId, parsed.stamp);
  }
}
