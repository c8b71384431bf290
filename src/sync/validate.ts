/**
 * The shape calsync relies on in Google's answers, checked before anything is
 * planned or recorded. Why: with responseType json, gaxios hands back the body
 * TEXT as `data` when it does not parse (a captive portal's HTML, a proxy's
 * error page, a truncated body), so unchecked such an answer reads as an empty
 * page and the poll records a success. A wrong shape is one clear error; one
 * malformed item of a listing is skipped with its reason and the rest goes on.
 */
import { terminalText } from '../util/terminal-text.js';
import { BrokenAnswerError } from '../errors.js';
import type { GoogleEvent } from './types.js';

/** An item of a listing that cannot be acted on. */
export interface MalformedItem {
  /** Its place in the listing (0-based, across pages). */
  index: number;
  /** Its id when it has a usable one. */
  id?: string;
  reason: string;
}

export interface CheckedPage {
  items: GoogleEvent[];
  malformed: MalformedItem[];
  nextPageToken?: string;
  nextSyncToken?: string;
  /** The calendar's title (events.list answers carry it): the name in busy blocks' titles. */
  summary?: string;
}

interface AnswerLike {
  status?: number;
  data?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);

/**
 * The start of a body or a name Google sent, quoted, cut short and safe for a
 * terminal and a log line (util/terminal-text.ts: control, bidi and other
 * invisible characters shown as escapes).
 */
export function preview(text: string, max = 40): string {
  // Quotes and backslashes of the text itself escaped first, so the escapes terminalText adds stay readable.
  return `"${terminalText(
    text.replace(/["\\]/g, (c) => `\\${c}`),
    max + 1,
  )}"`;
}

/** The answer's body as a JSON object, or a BrokenAnswerError saying what came instead. */
export function answerObject(what: string, res: AnswerLike): Record<string, unknown> {
  const { data } = res;
  if (typeof data === 'string')
    throw new BrokenAnswerError(
      `${what}: Google's answer (HTTP ${res.status ?? '?'}) is not JSON` +
        ` (a captive portal, a proxy page or a cut-off body?): ${preview(data)}`,
      res.status,
    );
  if (!isObject(data))
    throw new BrokenAnswerError(
      `${what}: Google's answer (HTTP ${res.status ?? '?'}) is ${kindOf(data)}, not a JSON object`,
      res.status,
    );
  return data;
}

const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || v === null || ok(v);
const isString = (v: unknown) => typeof v === 'string';
const isStringList = (v: unknown) => Array.isArray(v) && v.every(isString);
const isObjectList = (v: unknown) => Array.isArray(v) && v.every(isObject);

/** Why an event cannot be acted on, or undefined when it has the shape the rules read. */
export function eventProblem(item: unknown): string | undefined {
  if (!isObject(item)) return `the item is ${kindOf(item)}, not an event`;
  if (typeof item.id !== 'string' || item.id === '') return 'the event has no id';
  const checks: [string, boolean][] = [
    ['status', optional(item.status, isString)],
    ['updated', optional(item.updated, isString)],
    ['eventType', optional(item.eventType, isString)],
    ['summary', optional(item.summary, isString)],
    ['recurringEventId', optional(item.recurringEventId, isString)],
    ['start', optional(item.start, isObject)],
    ['end', optional(item.end, isObject)],
    ['originalStartTime', optional(item.originalStartTime, isObject)],
    ['organizer', optional(item.organizer, isObject)],
    ['attendees', optional(item.attendees, isObjectList)],
    ['recurrence', optional(item.recurrence, isStringList)],
    [
      'extendedProperties',
      optional(
        item.extendedProperties,
        (v) => isObject(v) && optional(v.private, isObject) && optional(v.shared, isObject),
      ),
    ],
  ];
  const bad = checks.find(([, ok]) => !ok);
  return bad ? `the event's ${bad[0]} has the wrong type` : undefined;
}

const tokenOk = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v !== '');

/**
 * One page of events.list. `offset` is how many items earlier pages held, so
 * a malformed item is named by its place in the whole listing.
 */
export function checkEventsPage(calendarId: string, res: AnswerLike, offset = 0): CheckedPage {
  const what = `the listing of ${calendarId}`;
  const data = answerObject(what, res);
  const items = data.items ?? [];
  if (!Array.isArray(items))
    throw new BrokenAnswerError(`${what}: Google's "items" is ${kindOf(items)}, not a list`, res.status);
  if (!tokenOk(data.nextPageToken) || !tokenOk(data.nextSyncToken))
    throw new BrokenAnswerError(`${what}: Google's page or sync token is not a string`, res.status);
  const nextPageToken = (data.nextPageToken as string | null | undefined) ?? undefined;
  const nextSyncToken = (data.nextSyncToken as string | null | undefined) ?? undefined;
  // Every page of a listing ends with one or the other: neither means the answer is not a listing.
  if (nextPageToken === undefined && nextSyncToken === undefined)
    throw new BrokenAnswerError(
      `${what}: Google's answer has neither a nextPageToken nor a nextSyncToken (not a listing?)`,
      res.status,
    );
  const page: CheckedPage = { items: [], malformed: [], nextPageToken, nextSyncToken };
  if (typeof data.summary === 'string' && data.summary.trim() !== '') page.summary = data.summary.trim();
  items.forEach((item: unknown, i) => {
    const reason = eventProblem(item);
    if (reason === undefined) page.items.push(item as GoogleEvent);
    else {
      const id = isObject(item) && typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
      page.malformed.push({ index: offset + i, ...(id ? { id } : {}), reason });
    }
  });
  return page;
}

/** Calls whose answer is no body at all (204). */
const EMPTY_ANSWERS = new Set(['events.delete', 'channels.stop']);
/** Calls whose answer is one event calsync reads (attendees, etag, id). */
const EVENT_ANSWERS = new Set(['events.get', 'events.insert', 'events.patch', 'events.update']);

/**
 * The check every Google call's answer passes (GoogleAccess.call): a body that
 * is not JSON fails the call instead of reading as an empty event; an event
 * answer must be an event. Listings get their own, finer check (checkEventsPage).
 */
export function checkAnswer<T>(label: string, result: T): T {
  if (EMPTY_ANSWERS.has(label) || label === 'events.list' || !isObject(result) || !('data' in result))
    return result;
  const res = result as AnswerLike;
  const data = answerObject(label, res);
  if (EVENT_ANSWERS.has(label)) {
    const problem = eventProblem(data);
    if (problem) throw new BrokenAnswerError(`${label}: ${problem} in Google's answer`, res.status);
  }
  return result;
}
