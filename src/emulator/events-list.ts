/**
 * events.list: paging, incremental sync, filters
 * (https://developers.google.com/workspace/calendar/api/guides/sync).
 */
import type { HandlerResult, RequestContext } from './context.js';
import { renderAs, renderCancelled, seriesEndMs, timeMs } from './event-model.js';
import { errors } from './google-errors.js';
import type { Store, StoredEvent } from './store.js';
import { decodePageToken, decodeSyncToken, encodePageToken, encodeSyncToken } from './sync-tokens.js';
import type { GoogleEvent } from './types.js';

const DEFAULT_PAGE = 250;
const MAX_PAGE = 2500;
/** Parameters Google refuses together with syncToken. */
const NOT_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

interface ListParams {
  since: number | undefined;
  showDeleted: boolean;
  maxResults: number;
  timeMin: number | undefined;
  timeMax: number | undefined;
  updatedMin: number | undefined;
  q: string | undefined;
  iCalUID: string | undefined;
  privateProps: [string, string][];
  sharedProps: [string, string][];
  orderByUpdated: boolean;
}

export function listEventsHandler(store: Store, ctx: RequestContext): HandlerResult {
  const cal = store.readable(ctx.params[0] ?? '', ctx.account);
  const p = parseParams(ctx.query, (token) => decodeSyncToken(token, cal));
  const pageToken = ctx.query.get('pageToken');
  const cursor = pageToken
    ? decodePageToken(pageToken)
    : { after: p.orderByUpdated ? 0 : -1, snapshot: store.currentSeq };

  const matching = [...cal.events.values()].filter((s) => matches(s, p));
  let page: StoredEvent[];
  let hasMore: boolean;
  let nextAfter: number;
  if (p.orderByUpdated) {
    matching.sort(
      (a, b) => (a.event.updated ?? '').localeCompare(b.event.updated ?? '') || a.createdSeq - b.createdSeq,
    );
    page = matching.slice(cursor.after, cursor.after + p.maxResults);
    hasMore = matching.length > cursor.after + p.maxResults;
    nextAfter = cursor.after + page.length;
  } else {
    // Creation order with a cursor: items created or cancelled while paging never shift later pages.
    matching.sort((a, b) => a.createdSeq - b.createdSeq);
    const rest = matching.filter((s) => s.createdSeq > cursor.after);
    page = rest.slice(0, p.maxResults);
    hasMore = rest.length > p.maxResults;
    nextAfter = page.at(-1)?.createdSeq ?? cursor.after;
  }

  const viewer = { account: ctx.account, role: store.accessRole(cal.id, ctx.account) };
  const items = page.map((s) =>
    s.event.status === 'cancelled' ? renderCancelled(s.event) : renderAs(s.event, cal.id, viewer),
  );
  const body: Record<string, unknown> = {
    kind: 'calendar#events',
    etag: `"p${cursor.snapshot}"`,
    summary: cal.summary,
    description: '',
    updated: new Date().toISOString(),
    timeZone: 'UTC',
    accessRole: store.accessRole(cal.id, ctx.account),
    defaultReminders: [],
    items,
  };
  if (hasMore) body.nextPageToken = encodePageToken({ after: nextAfter, snapshot: cursor.snapshot });
  else body.nextSyncToken = encodeSyncToken(cal, cursor.snapshot);
  return { status: 200, body };
}

function parseParams(q: URLSearchParams, decodeSync: (token: string) => number): ListParams {
  if (q.get('singleEvents') === 'true') {
    throw errors.badRequest(
      'singleEvents=true is not supported by the calsync emulator; list with singleEvents=false.',
    );
  }
  const syncToken = q.get('syncToken');
  if (syncToken) {
    const clash = NOT_WITH_SYNC_TOKEN.find((name) => q.has(name));
    if (clash) throw errors.invalid(`The parameter ${clash} cannot be used together with syncToken.`, clash);
  }
  const orderBy = q.get('orderBy');
  if (orderBy === 'startTime')
    throw errors.badRequest('The requested ordering is not available for the particular query.');
  if (orderBy !== null && orderBy !== 'updated')
    throw errors.invalid(`Invalid value for orderBy: ${orderBy}`, 'orderBy');
  const maxRaw = q.get('maxResults');
  let maxResults = DEFAULT_PAGE;
  if (maxRaw !== null) {
    const n = Number(maxRaw);
    if (!Number.isInteger(n) || n < 1)
      throw errors.invalid(
        `Invalid value '${maxRaw}'. Values must be within the range: [1, ${MAX_PAGE}]`,
        'maxResults',
      );
    maxResults = Math.min(n, MAX_PAGE);
  }
  return {
    // A sync token is checked on every page: invalidation mid-listing answers 410 too.
    since: syncToken ? decodeSync(syncToken) : undefined,
    showDeleted: q.get('showDeleted') === 'true',
    maxResults,
    timeMin: parseTime(q, 'timeMin'),
    timeMax: parseTime(q, 'timeMax'),
    updatedMin: parseTime(q, 'updatedMin'),
    q: q.get('q')?.toLowerCase() ?? undefined,
    iCalUID: q.get('iCalUID') ?? undefined,
    privateProps: parseProps(q, 'privateExtendedProperty'),
    sharedProps: parseProps(q, 'sharedExtendedProperty'),
    orderByUpdated: orderBy === 'updated',
  };
}

function parseTime(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  // RFC 3339 with a mandatory offset, as Google requires.
  const ms = /(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) throw errors.badRequest(`Bad Request: invalid ${name} '${raw}'`);
  return ms;
}

function parseProps(q: URLSearchParams, name: string): [string, string][] {
  return q.getAll(name).map((raw) => {
    const i = raw.indexOf('=');
    if (i <= 0) throw errors.invalid(`Invalid ${name} value: ${raw}`, name);
    return [raw.slice(0, i), raw.slice(i + 1)];
  });
}

function matches(s: StoredEvent, p: ListParams): boolean {
  const e = s.event;
  if (p.since !== undefined) return s.changeSeq > p.since;
  if (e.status === 'cancelled') {
    // A full listing hides deleted events, except cancelled occurrences of a series
    // (reference: "cancelled instances of recurring events (but not the underlying
    // recurring event) will still be included if showDeleted and singleEvents are both False").
    if (!p.showDeleted && !e.recurringEventId) return false;
  }
  if (!inWindow(e, p.timeMin, p.timeMax)) return false;
  if (p.updatedMin !== undefined && Date.parse(e.updated ?? '') < p.updatedMin) return false;
  if (p.iCalUID !== undefined && e.iCalUID !== p.iCalUID) return false;
  if (p.q !== undefined && !textOf(e).includes(p.q)) return false;
  for (const [k, v] of p.privateProps) if (e.extendedProperties?.private?.[k] !== v) return false;
  for (const [k, v] of p.sharedProps) if (e.extendedProperties?.shared?.[k] !== v) return false;
  return true;
}

/** timeMin bounds the end, timeMax the start (both exclusive); a series counts while it can still recur. */
function inWindow(e: GoogleEvent, timeMin: number | undefined, timeMax: number | undefined): boolean {
  if (timeMin === undefined && timeMax === undefined) return true;
  const start = timeMs(e.start) ?? timeMs(e.originalStartTime);
  if (start === undefined) return true;
  const duration = (timeMs(e.end) ?? start) - (timeMs(e.start) ?? start);
  const end = e.recurrence && e.recurrence.length > 0 ? seriesEndMs(e) : start + duration;
  if (timeMax !== undefined && start >= timeMax) return false;
  if (timeMin !== undefined && end <= timeMin) return false;
  return true;
}

function textOf(e: GoogleEvent): string {
  return [
    e.summary,
    e.description,
    e.location,
    ...(e.attendees ?? []).map((a) => `${a.email ?? ''} ${a.displayName ?? ''}`),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}
