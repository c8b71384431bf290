/**
 * Invitations as Google delivers them: an attendee whose address is a calendar
 * in the emulator gets its own copy of the event (same id, same organizer),
 * at once, when that calendar's "Add invitations to my calendar" setting lets
 * it (invitation-setting.ts); otherwise only an email would go. Once there,
 * the copy follows the organizer's event; removing the attendee or cancelling
 * the event cancels it, and a copy the guest deleted stays deleted. Each copy
 * keeps its own private properties, reminders and colour.
 */
import { mayDeliver } from './invitation-setting.js';
import type { CalendarRecord, Store, StoredEvent } from './store.js';
import type { GoogleEvent } from './types.js';

const PER_COPY_FIELDS = ['reminders', 'colorId'] as const;

export function deliverInvitations(store: Store, cal: CalendarRecord, stored: StoredEvent): void {
  const event = stored.event;
  // Only the organizer's copy sends invitations.
  if (event.organizer?.email !== cal.id) return;
  const cancelled = event.status === 'cancelled';
  const invitees = new Set<string>();
  if (!cancelled) {
    for (const a of event.attendees ?? []) {
      if (a.email && a.email !== cal.id && store.calendars.has(a.email)) invitees.add(a.email);
    }
  }
  const delivered = new Set<string>();
  for (const target of invitees) {
    const targetCal = store.calendars.get(target);
    if (!targetCal) continue;
    const before = stored.invitedCalendars.has(target);
    // A guest that deleted its copy keeps it deleted: later changes do not bring it back.
    if (before && targetCal.events.get(event.id ?? '')?.event.status === 'cancelled') {
      delivered.add(target);
      continue;
    }
    // Not yet on that calendar: its "Add invitations to my calendar" decides (an email only, otherwise).
    if (!before && !mayDeliver(targetCal, cal.id, stored.respondedCalendars.has(target))) continue;
    putGuestCopy(store, targetCal, event);
    delivered.add(target);
  }
  for (const previous of stored.invitedCalendars) {
    if (delivered.has(previous)) continue;
    const targetCal = store.calendars.get(previous);
    const copy = targetCal?.events.get(event.id ?? '');
    if (targetCal && copy && copy.event.status !== 'cancelled')
      store.putEvent(targetCal, { ...copy.event, status: 'cancelled' });
  }
  stored.invitedCalendars = delivered;
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
