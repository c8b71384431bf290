/**
 * The delivery check: Google puts an invitation on the invited calendar only
 * per that calendar's "Add invitations to my calendar" setting, so every
 * invitation calsync sends the shared calendar (invites, birthday and Gmail
 * copies with it as guest) is recorded as `pending` and looked for on the
 * shared calendar at the next poll: through the shared calendar's OWN
 * incremental listing, with its own sync token (state.delivery), one list
 * request a poll however many invitations wait. The listing is skipped when
 * nothing waits and no copy there is about to be changed, so an idle poll
 * stays one request per source calendar.
 *
 * The same listing shows what a person deleted there: a mirror or an
 * invitation calsync keeps that comes back cancelled is `dismissed`, and the
 * rules never make it again.
 */
import type { Settings } from '../config/types.js';
import { BrokenAnswerError, CalsyncError, errorMessage, InterruptedError } from '../errors.js';
import { googleFailureText } from '../google/failure-text.js';
import { accountFor } from '../google/accounts.js';
import { INVITATION_FIX } from '../health/invitations.js';
import type { ProcessedEvent, State } from '../state/types.js';
import { log } from '../util/log.js';
import type { GoogleAccess } from './api.js';
import type { GoogleClock } from './google-clock.js';
import { listChanges, type Listing } from './listing.js';
import type { DeliveryReport } from './report.js';
import type { Action } from './types.js';

/**
 * The account that reads the shared calendar: sharedCalendarAccount when
 * set, else the first source calendar's (a secondary calendar cannot sign in).
 */
export function deliveryReader(settings: Settings): string {
  return settings.sharedCalendarAccount ?? accountFor(settings, settings.sourceCalendars[0] ?? '');
}

/** The id an entry's event has on the shared calendar: the invited event itself, or the copy. */
function sharedIdOf(entryId: string, entry: ProcessedEvent): string | undefined {
  if (entry.rule === 'invite') return entryId;
  if (entry.copyId && !entry.copyUnconfirmed) return entry.copyId;
  return undefined;
}

interface Ref {
  calendarId: string;
  entryId: string;
}

/** Entries awaiting delivery, by their id on the shared calendar. */
function awaiting(state: State): Map<string, Ref[]> {
  const out = new Map<string, Ref[]>();
  for (const [calendarId, table] of Object.entries(state.events)) {
    for (const entryId of table.idsWithDelivery(['pending', 'missing'])) {
      const entry = table.get(entryId);
      const id = entry && sharedIdOf(entryId, entry);
      if (!id) continue;
      out.set(id, [...(out.get(id) ?? []), { calendarId, entryId }]);
    }
  }
  return out;
}

function setDelivery(state: State, ref: Ref, delivery: ProcessedEvent['delivery']): void {
  const table = state.events[ref.calendarId];
  const entry = table?.get(ref.entryId);
  if (!table || !entry || entry.delivery === delivery) return;
  const next = { ...entry };
  if (delivery) next.delivery = delivery;
  else delete next.delivery;
  table.set(ref.entryId, next);
}

/** Entries that keep this event on the shared calendar (a mirror, a copy, an invite): a cancelled one there was a person. */
function keepers(state: State, sharedId: string): Ref[] {
  const out: Ref[] = [];
  for (const [calendarId, table] of Object.entries(state.events)) {
    if (table.holdsCopy(sharedId)) {
      for (const [entryId, entry] of table.entries())
        if (entry.copyId === sharedId && !entry.copyUnconfirmed) out.push({ calendarId, entryId });
    }
    const invite = table.get(sharedId);
    if (invite?.rule === 'invite') out.push({ calendarId, entryId: sharedId });
  }
  return out;
}

/**
 * Whether the plan changes copies on the shared calendar: the listing is read
 * first then, so that one a person deleted there is not brought back.
 */
export function changesSharedCopies(actions: readonly Action[], shared: string): boolean {
  return actions.some(
    (a) => (a.kind === 'update-copy' || a.kind === 'update-occurrence') && a.target.calendarId === shared,
  );
}

/** Counts of the entries' delivery states over every calendar. */
export function deliveryCounts(state: State): { pending: number; undelivered: number; dismissed: number } {
  let pending = 0;
  let undelivered = 0;
  let dismissed = 0;
  for (const table of Object.values(state.events)) {
    pending += table.idsWithDelivery(['pending']).length;
    undelivered += table.idsWithDelivery(['missing']).length;
    dismissed += table.idsWithDelivery(['dismissed']).length;
  }
  return { pending, undelivered, dismissed };
}

/**
 * Checks what awaits delivery against the shared calendar's listing, and
 * records the outcome in the state (never in a dry run). Never throws: a
 * listing that fails leaves every entry as it was, for the next poll.
 */
export async function checkDeliveries(
  api: GoogleAccess,
  state: State,
  settings: Settings,
  opts: { dryRun: boolean; force?: boolean; clock?: GoogleClock },
): Promise<DeliveryReport> {
  const shared = settings.inviteEmail ?? '';
  // Taken before the listing is asked for: an invitation recorded while it runs is checked next time.
  const waiting = awaiting(state);
  const report: DeliveryReport = { checked: false, delivered: 0, pending: 0, undelivered: 0, dismissed: 0 };
  const finish = (): DeliveryReport => ({ ...report, ...deliveryCounts(state) });
  if ((waiting.size === 0 && !opts.force) || opts.dryRun) return finish();
  const previous = state.delivery?.calendarId === shared ? state.delivery : undefined;
  const account = deliveryReader(settings);
  let listing: Listing;
  try {
    // Bounded like every listing: one that never ends fails the check, not the poll.
    listing = await listChanges(api, shared, previous?.syncToken, settings.lookbackDays, {
      account,
      maxPages: settings.maxListPages,
      maxEvents: settings.maxListedEvents,
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
  } catch (err) {
    // Stopped (its listing ended by the stop): not checked, and nothing wrong with the shared calendar.
    if (err instanceof InterruptedError) return finish();
    // A Google failure in the calendar errors' words (a page's HTML never), a token refresh named as such.
    const why =
      err instanceof CalsyncError && !(err instanceof BrokenAnswerError)
        ? errorMessage(err)
        : googleFailureText(err, settings.googleTokenUrl);
    report.error = `cannot list the shared calendar ${shared} as ${account}: ${why}`;
    log.warn(`invitations not checked: ${report.error}`);
    state.delivery = { ...(previous ?? { calendarId: shared }), lastError: report.error };
    return finish();
  }
  report.checked = true;
  for (const event of listing.events) {
    const id = event.id ?? '';
    if (event.status === 'cancelled') {
      // Gone from the shared calendar while calsync keeps it: a person deleted it there.
      for (const ref of keepers(state, id)) setDelivery(state, ref, 'dismissed');
      continue;
    }
    for (const ref of waiting.get(id) ?? []) {
      setDelivery(state, ref, undefined);
      report.delivered++;
    }
  }
  // What the listing did not show has not arrived (Google delivers at once, when it delivers).
  for (const [id, refs] of waiting) {
    for (const ref of refs) {
      const entry = state.events[ref.calendarId]?.get(ref.entryId);
      if (!entry?.delivery || entry.delivery === 'dismissed') continue;
      // A full listing covers only what ends after its timeMin: an older one cannot be checked, nor matters.
      if (listing.timeMin !== undefined && entry.end !== undefined && entry.end * 1000 < listing.timeMin) {
        setDelivery(state, ref, undefined);
        continue;
      }
      if (entry.delivery === 'pending') {
        setDelivery(state, ref, 'missing');
        log.warn(
          `invitation not on the shared calendar ${shared}: ${ref.calendarId}/${ref.entryId} (${id}); ${INVITATION_FIX}`,
        );
      }
    }
  }
  state.delivery = {
    calendarId: shared,
    syncToken: listing.nextSyncToken ?? previous?.syncToken,
    lastCheckAt: new Date().toISOString(),
  };
  return finish();
}
