/**
 * Finding the source events `explain` is asked about: by id (one read per
 * calendar), or by words of the title (Google's `q` search, one page per
 * calendar). A copy or mirror found points back to its source by its marker.
 */
import type { Settings } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { classifyGoogleError } from '../google/google-error.js';
import type { GoogleAccess } from '../sync/api.js';
import { copyOwnership, targetOf } from '../sync/ownership.js';
import { calsyncCalendars } from '../sync/marked-events.js';
import { MARKER, type EventRef, type GoogleEvent } from '../sync/types.js';

/** How many events a text search explains at most. */
export const MAX_MATCHES = 10;
const SEARCH_PAGE = 100;
/** Without a usable `q`: one page of a calendar, the most Google gives at once. */
const FALLBACK_PAGE = 2500;

export interface Located {
  /** The source event, as read now. */
  source: EventRef;
  event: GoogleEvent | undefined;
  /** Set when what was asked about is a copy or mirror of the source. */
  via?: { calendarId: string; eventId: string; rule: string };
}

export function searchCalendars(settings: Settings, only: string | undefined): string[] {
  const all = calsyncCalendars(settings);
  if (only === undefined) return all;
  if (!all.includes(only))
    throw new ConfigError(`--calendar ${only} is not a calendar calsync reads or writes`, {
      hint: `calendars: ${all.join(', ')}`,
    });
  return [only];
}

export async function readEvent(api: GoogleAccess, ref: EventRef): Promise<GoogleEvent | undefined> {
  try {
    const res = await api.call(api.accountOf(ref.calendarId), 'events.get', (c) =>
      c.events.get({ calendarId: ref.calendarId, eventId: ref.eventId }),
    );
    return res.data;
  } catch (err) {
    const { status } = classifyGoogleError(err);
    if (status === 404 || status === 410) return undefined;
    throw err;
  }
}

/** `<calendar>/<event id>` of a copy's `calsyncSource` marker. */
export function sourceOfMarker(marker: string): EventRef | undefined {
  const i = marker.lastIndexOf('/');
  if (i <= 0 || i === marker.length - 1) return undefined;
  return { calendarId: marker.slice(0, i), eventId: marker.slice(i + 1) };
}

async function resolve(
  api: GoogleAccess,
  settings: Settings,
  calendarId: string,
  event: GoogleEvent,
): Promise<Located | undefined> {
  // Another install's copy (another shared calendar) is no copy of this install's: an ordinary event here.
  const marker =
    copyOwnership(event, calendarId, targetOf(settings.inviteEmail)) === 'mine'
      ? event.extendedProperties?.private?.[MARKER.source]
      : undefined;
  if (marker) {
    const source = sourceOfMarker(marker);
    if (!source) return undefined;
    return {
      source,
      event: await readEvent(api, source),
      via: {
        calendarId,
        eventId: event.id ?? '',
        rule: event.extendedProperties?.private?.[MARKER.rule] ?? '',
      },
    };
  }
  if (settings.sourceCalendars.includes(calendarId))
    return { source: { calendarId, eventId: event.id ?? '' }, event };
  // On the shared calendar without a marker: an invitation, whose organizer's copy is the source.
  const organizer = event.organizer?.email ?? '';
  if (settings.sourceCalendars.includes(organizer)) {
    const source = { calendarId: organizer, eventId: event.id ?? '' };
    return { source, event: await readEvent(api, source) };
  }
  return undefined;
}

const key = (r: EventRef) => `${r.calendarId}\u0000${r.eventId}`;

function dedupe(found: Located[]): Located[] {
  const seen = new Set<string>();
  return found.filter((l) => !seen.has(key(l.source)) && seen.add(key(l.source)));
}

export async function locateById(
  api: GoogleAccess,
  settings: Settings,
  calendars: string[],
  eventId: string,
): Promise<Located[]> {
  const found: Located[] = [];
  for (const calendarId of calendars) {
    const event = await readEvent(api, { calendarId, eventId });
    if (!event || event.status === 'cancelled') continue;
    const located = await resolve(api, settings, calendarId, event);
    if (located) found.push(located);
  }
  return dedupe(found);
}

export async function locateByTitle(
  api: GoogleAccess,
  settings: Settings,
  calendars: string[],
  text: string,
): Promise<{ found: Located[]; more: boolean }> {
  const found: Located[] = [];
  const needle = text.toLowerCase();
  const titled = (items: GoogleEvent[] | undefined) =>
    // `q` also matches descriptions, places and guests: only titles count here.
    (items ?? []).filter((e) => e.status !== 'cancelled' && (e.summary ?? '').toLowerCase().includes(needle));
  for (const calendarId of calendars) {
    const account = api.accountOf(calendarId);
    let matches: GoogleEvent[] = [];
    try {
      const res = await api.call(account, 'events.list', (c) =>
        c.events.list({ calendarId, q: text, maxResults: SEARCH_PAGE }),
      );
      matches = titled(res.data.items);
    } catch (err) {
      if (classifyGoogleError(err).status !== 400) throw err;
    }
    // Google's search matches whole words, not parts of them, and may refuse a query:
    // then one bounded page of the calendar, searched here.
    if (matches.length === 0) {
      const res = await api.call(account, 'events.list', (c) =>
        c.events.list({ calendarId, maxResults: FALLBACK_PAGE }),
      );
      matches = titled(res.data.items);
    }
    for (const event of matches) {
      const located = await resolve(api, settings, calendarId, event);
      if (located) found.push(located);
    }
  }
  const unique = dedupe(found);
  return { found: unique.slice(0, MAX_MATCHES), more: unique.length > MAX_MATCHES };
}
