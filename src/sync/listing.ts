import type { GoogleAccess } from './api.js';
import { classifyGoogleError } from '../google/google-error.js';
import { log } from '../util/log.js';
import type { GoogleEvent } from './types.js';

export interface Listing {
  events: GoogleEvent[];
  nextSyncToken: string | undefined;
  /** True when this was a full listing (first run, --full-resync, or after a 410). */
  full: boolean;
}

const PAGE_SIZE = 2500;

/**
 * Lists what changed since the stored sync token, following every page. With no
 * token, or when Google answers 410, lists everything that ends after
 * now minus the lookback. Deleted events are included either way so a resync
 * still sees cancellations of events calsync had copied.
 */
export async function listChanges(
  api: GoogleAccess,
  calendarId: string,
  syncToken: string | undefined,
  lookbackDays: number,
): Promise<Listing> {
  const account = api.accountOf(calendarId);
  const list = async (token: string | undefined): Promise<Listing> => {
    const events: GoogleEvent[] = [];
    let pageToken: string | undefined;
    const timeMin = token ? undefined : new Date(Date.now() - lookbackDays * 86_400_000).toISOString();
    for (;;) {
      const res = await api.call(account, 'events.list', (c) =>
        c.events.list({
          calendarId,
          singleEvents: false,
          showDeleted: true,
          maxResults: PAGE_SIZE,
          syncToken: token,
          timeMin,
          pageToken,
        }),
      );
      events.push(...(res.data.items ?? []));
      if (res.data.nextPageToken) {
        pageToken = res.data.nextPageToken;
        continue;
      }
      return { events, nextSyncToken: res.data.nextSyncToken ?? undefined, full: token === undefined };
    }
  };
  if (!syncToken) return list(undefined);
  try {
    return await list(syncToken);
  } catch (err) {
    if (classifyGoogleError(err).kind !== 'sync-token-expired') throw err;
    log.info('sync token expired; listing the calendar in full', { calendar: calendarId });
    return list(undefined);
  }
}
