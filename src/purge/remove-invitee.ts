/**
 * Taking back an invitation calsync added: the shared calendar leaves the
 * event's guests (and its `calsyncInvited` marker goes), every other guest
 * and response stays. An update with `If-Match` of the etag the event was
 * read with, so a person's edit made meanwhile is never overwritten: 412
 * means it changed, so it is read again and the removal applied to that.
 *
 * One function on purpose: the sync module's conditional-update helper
 * (the writes issue) can replace it.
 */
import { classifyGoogleError } from '../google/google-error.js';
import type { GoogleAccess } from '../sync/api.js';
import { MARKER, type GoogleEvent } from '../sync/types.js';

/** Reads again after a 412 at most this many times; then the event is left for the next run. */
const MAX_ATTEMPTS = 4;

export type InviteeRemoval = 'removed' | 'marker-only' | 'gone';

const sameEmail = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

/** The event without calsync's invitee and marker; everything else as it was. */
export function withoutCalsyncInvitee(event: GoogleEvent, email: string): GoogleEvent {
  const { [MARKER.invited]: _marker, ...privateRest } = event.extendedProperties?.private ?? {};
  const extendedProperties = { ...(event.extendedProperties ?? {}), private: privateRest };
  return {
    ...event,
    attendees: (event.attendees ?? []).filter((a) => !sameEmail(a.email, email)),
    extendedProperties,
  };
}

export async function removeCalsyncInvitee(
  api: GoogleAccess,
  account: string,
  calendarId: string,
  listed: GoogleEvent,
  email: string,
): Promise<InviteeRemoval> {
  const eventId = listed.id ?? '';
  let current = listed;
  for (let attempt = 1; ; attempt++) {
    const had = (current.attendees ?? []).some((a) => sameEmail(a.email, email));
    try {
      await api.call(account, 'events.update', (c) =>
        c.events.update(
          { calendarId, eventId, sendUpdates: 'none', requestBody: withoutCalsyncInvitee(current, email) },
          { headers: current.etag ? { 'If-Match': current.etag } : {} },
        ),
      );
      // A person removed the guest already: only the marker was left to take away.
      return had ? 'removed' : 'marker-only';
    } catch (err) {
      const { status } = classifyGoogleError(err);
      if (status === 404 || status === 410) return 'gone';
      if (status !== 412 || attempt >= MAX_ATTEMPTS) throw err;
    }
    // Changed since it was read: read it again and take the guest off that version.
    try {
      const res = await api.call(account, 'events.get', (c) => c.events.get({ calendarId, eventId }));
      current = res.data;
    } catch (err) {
      const { status } = classifyGoogleError(err);
      if (status === 404 || status === 410) return 'gone';
      throw err;
    }
    if (current.status === 'cancelled' || !current.extendedProperties?.private?.[MARKER.invited])
      return 'gone';
  }
}
