/**
 * Invitations as Google delivers them: an attendee whose address is a calendar
 * in the emulator gets its own copy of the event (same id, same organizer).
 * Removing the attendee or cancelling the event cancels that copy. Each copy
 * keeps its own private properties, reminders and colour.
 */
import type { CalendarRecord, Store, StoredEvent } from './store.js';
import type { GoogleEvent } from './types.js';

const PER_COPY_FIELDS = ['reminders', 'colorId'] as const;

export function deliverInvitations(store: Store, cal: CalendarRecord, stored: StoredEvent): void {
  const event = stored.event;
  // Only the organizer's copy sends invitations.
  if (event.organizer?.email !== cal.id) return;
  const cancelled = event.status === 'cancelled';
  const targets = new Set<string>();
  if (!cancelled) {
    for (const a of event.attendees ?? []) {
      if (a.email && a.email !== cal.id && store.calendars.has(a.email)) targets.add(a.email);
    }
  }
  for (const target of targets) {
    const targetCal = store.calendars.get(target);
    if (targetCal) putGuestCopy(store, targetCal, event);
  }
  for (const previous of stored.invitedCalendars) {
    if (targets.has(previous)) continue;
    const targetCal = store.calendars.get(previous);
    const copy = targetCal?.events.get(event.id ?? '');
    if (targetCal && copy && copy.event.status !== 'cancelled')
      store.putEvent(targetCal, { ...copy.event, status: 'cancelled' });
  }
  stored.invitedCalendars = targets;
}

function putGuestCopy(store: Store, target: CalendarRecord, organizerEvent: GoogleEvent): void {
  const existing = target.events.get(organizerEvent.id ?? '')?.event;
  const copy: GoogleEvent = structuredClone(organizerEvent);
  const ownPrivate = existing?.extendedProperties?.private;
  if (copy.extendedProperties?.private) delete copy.extendedProperties.private;
  if (ownPrivate) copy.extendedProperties = { ...(copy.extendedProperties ?? {}), private: ownPrivate };
  if (copy.extendedProperties && Object.keys(copy.extendedProperties).length === 0)
    delete copy.extendedProperties;
  if (existing) {
    const own = existing as Record<string, unknown>;
    const out = copy as Record<string, unknown>;
    for (const f of PER_COPY_FIELDS) {
      if (own[f] === undefined) delete out[f];
      else out[f] = own[f];
    }
  }
  store.putEvent(target, copy);
}
