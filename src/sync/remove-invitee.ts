/**
 * Taking back an invitation calsync added: the shared calendar leaves the
 * event's guests (and its `calsyncInvited` marker goes), every other guest
 * and response stays. An update with `If-Match` of the etag the event was
 * read with, so a person's edit made meanwhile is never overwritten: 412
 * means it changed, so it is read again and the removal applied to that.
 *
 * The poll's own conditional update (sync/conditional-update.ts) does it:
 * after a few 412s in a row the event is left for the next run. Used by
 * purge, and by the poll when an invited event turns private or is filtered.
 */
import { classifyGoogleError } from '../google/google-error.js';
import type { GoogleAccess } from './api.js';
import { updateConditionally } from './conditional-update.js';
import { ownInviteMarkerKeys, targetOf } from './ownership.js';
import type { GoogleEvent } from './types.js';
import { sameEmail } from '../util/email.js';

export type InviteeRemoval = 'removed' | 'marker-only' | 'gone';

/**
 * The event without this install's invitee and its markers; everything else
 * (another install's invitee and marker too) as it was.
 */
export function withoutCalsyncInvitee(event: GoogleEvent, email: string): GoogleEvent {
  const own = new Set(ownInviteMarkerKeys(event, targetOf(email)));
  const privateRest = Object.fromEntries(
    Object.entries(event.extendedProperties?.private ?? {}).filter(([key]) => !own.has(key)),
  );
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
  /** The event as listed, when it is a whole resource with its etag (saves a read); else it is read first. */
  first: GoogleEvent | undefined = listed,
): Promise<InviteeRemoval> {
  let outcome: InviteeRemoval = 'gone';
  const take = (current: GoogleEvent): GoogleEvent | undefined => {
    // Deleted, or the marker taken away by a person meanwhile: nothing of calsync's is left on it.
    if (current.status === 'cancelled' || ownInviteMarkerKeys(current, targetOf(email)).length === 0) {
      outcome = 'gone';
      return undefined;
    }
    // A person removed the guest already: only the marker is left to take away.
    outcome = (current.attendees ?? []).some((a) => sameEmail(a.email, email)) ? 'removed' : 'marker-only';
    return withoutCalsyncInvitee(current, email);
  };
  try {
    await updateConditionally(api, account, { calendarId, eventId: listed.id ?? '' }, take, first);
  } catch (err) {
    const { status } = classifyGoogleError(err);
    if (status === 404 || status === 410) return 'gone';
    throw err;
  }
  return outcome;
}
