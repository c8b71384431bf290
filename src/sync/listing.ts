import type { GoogleAccess } from './api.js';
import { classifyGoogleError } from '../google/google-error.js';
import { BrokenAnswerError } from '../errors.js';
import { log } from '../util/log.js';
import type { GoogleClock } from './google-clock.js';
import type { GoogleEvent } from './types.js';
import { checkEventsPage, type MalformedItem } from './validate.js';

export interface Listing {
  events: GoogleEvent[];
  nextSyncToken: string | undefined;
  /** True when this was a full listing (first run, --full-resync, or after a 410). */
  full: boolean;
  /** Items Google listed that cannot be acted on (null, no id, wrong types), with why: skipped. */
  malformed: MalformedItem[];
  /** A full listing's window start (ms): it holds only what ends after it. */
  timeMin?: number;
  /** The calendar's title, as the answer gave it. */
  summary?: string;
}

/** Bounds of one listing (settings maxListPages, maxListedEvents), and the clock that places a full listing's window. */
export interface ListOptions {
  /** The account that lists (default the calendar's own): the shared calendar is read by another. */
  account?: string;
  maxPages?: number;
  maxEvents?: number;
  /** Google's time, learnt from the answers' Date headers: a full listing's window starts from it. */
  clock?: GoogleClock;
}

const PAGE_SIZE = 2500;
/** Defaults far above any real calendar (Google pages hold up to 2500 events). */
export const DEFAULT_MAX_LIST_PAGES = 1000;
export const DEFAULT_MAX_LISTED_EVENTS = 250_000;

/**
 * Lists what changed since the stored sync token, following every page. With no
 * token, or when Google answers 410, lists everything that ends after
 * now minus the lookback. Deleted events are included either way so a resync
 * still sees cancellations of events calsync had copied.
 *
 * A listing that does not end (a page token seen before, more pages or events
 * than the bounds) fails with that reason: it never holds the lock for ever.
 */
export async function listChanges(
  api: GoogleAccess,
  calendarId: string,
  syncToken: string | undefined,
  lookbackDays: number,
  options: ListOptions = {},
): Promise<Listing> {
  const account = options.account ?? api.accountOf(calendarId);
  const maxPages = options.maxPages ?? DEFAULT_MAX_LIST_PAGES;
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_LISTED_EVENTS;
  const clock = options.clock;
  const windowStart = () => new Date((clock?.now() ?? Date.now()) - lookbackDays * 86_400_000).toISOString();
  const list = async (token: string | undefined): Promise<Listing> => {
    const events: GoogleEvent[] = [];
    const malformed: MalformedItem[] = [];
    const seenPageTokens = new Set<string>();
    let pageToken: string | undefined;
    let pages = 0;
    let timeMin = token ? undefined : windowStart();
    let replaced = false;
    for (;;) {
      const res = await api.listEvents(account, {
        calendarId,
        singleEvents: false,
        showDeleted: true,
        maxResults: PAGE_SIZE,
        syncToken: token,
        timeMin,
        pageToken,
      });
      pages++;
      // The first answer says what time Google has: a window placed by a wrong
      // local clock is listed again from Google's time (one request more, only then).
      if (clock?.learn(res.headers) && timeMin !== undefined && pages === 1 && !replaced && clock.skewed()) {
        replaced = true;
        timeMin = windowStart();
        pages = 0;
        continue;
      }
      const page = checkEventsPage(calendarId, res, events.length + malformed.length);
      events.push(...page.items);
      malformed.push(...page.malformed);
      if (events.length + malformed.length > maxEvents)
        throw new BrokenAnswerError(
          `the listing of ${calendarId} passed ${maxEvents} events (maxListedEvents) and was stopped`,
          res.status,
        );
      if (page.nextPageToken) {
        if (seenPageTokens.has(page.nextPageToken) || page.nextPageToken === pageToken)
          throw new BrokenAnswerError(
            `the listing of ${calendarId} does not end: Google gave a page token it gave before (page ${pages})`,
            res.status,
          );
        if (pages >= maxPages)
          throw new BrokenAnswerError(
            `the listing of ${calendarId} passed ${maxPages} pages (maxListPages) and was stopped`,
            res.status,
          );
        seenPageTokens.add(page.nextPageToken);
        pageToken = page.nextPageToken;
        continue;
      }
      const full = token === undefined;
      return {
        events,
        nextSyncToken: page.nextSyncToken,
        full,
        malformed,
        ...(timeMin !== undefined ? { timeMin: Date.parse(timeMin) } : {}),
        ...(page.summary ? { summary: page.summary } : {}),
      };
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
