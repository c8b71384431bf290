import type { ProcessedEvent } from './types.js';

/**
 * One processed-event entry as one line of text in state.json (schema v3):
 * space-separated fields in the order of EVENT_COLUMNS, an empty field for an
 * absent value, trailing empty fields left out. For example
 *
 *   `evt1  cs0v6k3 family@group.calendar.google.com mirror mirror 1767225600 1767229200 1767225600000`
 *
 * Why text and not a JSON object per entry: JSON.parse builds one string per
 * row instead of an object with up to nine properties, and JSON.stringify
 * writes one string instead of walking them. With 100,000 entries that is
 * the difference between the whole state costing a poll ~300 ms and ~60 ms
 * (`node bench/run.js state`). Rows are decoded only when an entry is read.
 *
 * The column order serves the two scans that run over every row of a poll
 * without decoding it: "is a failure pending" (column 2) and "which copy"
 * (column 3).
 */
export const EVENT_COLUMNS =
  'id failure copyId copyCalendar rule action at end sourceUpdated recurring unconfirmed parked delivery';

const SEP = ' ';
const SEP_CODE = 32;

/**
 * Strings are stored with `%`, space and `,` percent-encoded (ids, emails and
 * labels almost never hold them, so the common case is the string itself).
 * An empty string is stored as absent: no entry field is ever legitimately empty.
 */
function escape(value: string): string {
  return /[% ,]/.test(value) ? value.replace(/%/g, '%25').replace(/ /g, '%20').replace(/,/g, '%2C') : value;
}

function unescape(field: string): string {
  if (!field.includes('%')) return field;
  try {
    return decodeURIComponent(field);
  } catch {
    // A stray '%' (a hand-edited file) is read as the text it is.
    return field;
  }
}

const str = (value: string | undefined): string => (value === undefined ? '' : escape(value));
const num = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '' : String(value);

/** The row of one entry. */
export function encodeRow(id: string, entry: ProcessedEvent): string {
  const f = entry.failure;
  const failure = f ? `${num(f.at)},${num(f.attempts)},${str(f.reason)}` : '';
  const fields = [
    escape(id),
    failure,
    str(entry.copyId),
    str(entry.copyCalendar),
    str(entry.rule),
    str(entry.action),
    num(entry.at),
    num(entry.end),
    num(entry.sourceUpdated),
    entry.recurring ? '1' : '',
    entry.copyUnconfirmed ? '1' : '',
    entry.parked ? `${num(entry.parked.updated)},${str(entry.parked.title)}` : '',
    str(entry.delivery),
  ];
  let last = fields.length - 1;
  while (last > 0 && fields[last] === '') last--;
  return fields.slice(0, last + 1).join(SEP);
}

/** The id of a row (its first field). */
export function rowId(row: string): string {
  const end = row.indexOf(SEP);
  return unescape(end < 0 ? row : row.slice(0, end));
}

/** Whether the entry of this row has a pending failure or deferral, without decoding it. */
export function rowIsPending(row: string): boolean {
  const idEnd = row.indexOf(SEP);
  return idEnd >= 0 && idEnd + 1 < row.length && row.charCodeAt(idEnd + 1) !== SEP_CODE;
}

/** Whether the entry of this row keeps the copy or mirror `copyId`, without decoding it. */
export function rowHasCopy(row: string, copyId: string): boolean {
  const idEnd = row.indexOf(SEP);
  const failureEnd = idEnd < 0 ? -1 : row.indexOf(SEP, idEnd + 1);
  if (failureEnd < 0) return false;
  const wanted = escape(copyId);
  const start = failureEnd + 1;
  const after = start + wanted.length;
  return (
    wanted !== '' &&
    row.startsWith(wanted, start) &&
    (after === row.length || row.charCodeAt(after) === SEP_CODE)
  );
}

/**
 * The entry's delivery (the last column), without decoding the row. Safe to
 * read from the row's end: the fields before it that a row can end with
 * (at, end, sourceUpdated, recurring, unconfirmed) are numbers or "1", and
 * parked always holds a comma.
 */
export function rowDelivery(row: string): ProcessedEvent['delivery'] {
  const last = row.slice(row.lastIndexOf(SEP) + 1);
  return DELIVERY.has(last) ? (last as ProcessedEvent['delivery']) : undefined;
}

function numberOf(field: string | undefined): number | undefined {
  if (field === undefined || field === '') return undefined;
  const n = Number(field);
  return Number.isFinite(n) ? n : undefined;
}

function stringOf(field: string | undefined): string | undefined {
  return field === undefined || field === '' ? undefined : unescape(field);
}

const RULES = new Set<string>(['birthday', 'gmail', 'mirror', 'occurrence', 'invite', 'busy']);
const DELIVERY = new Set<string>(['pending', 'missing', 'dismissed']);

/**
 * The entry of a row. A field that does not parse (a hand-edited file) reads
 * as absent, which is safe: without `sourceUpdated` the event is handled
 * again, without `end` clean keeps it, without `copyId` the copy is found
 * again by its deterministic id.
 */
export function decodeRow(row: string): ProcessedEvent {
  const [
    ,
    failure,
    copyId,
    copyCalendar,
    rule,
    action,
    at,
    end,
    sourceUpdated,
    recurring,
    unconfirmed,
    parked,
    delivery,
  ] = row.split(SEP);
  const entry: ProcessedEvent = { action: stringOf(action) ?? 'unknown', at: numberOf(at) ?? 0 };
  const endValue = numberOf(end);
  if (endValue !== undefined) entry.end = endValue;
  if (recurring === '1') entry.recurring = true;
  if (unconfirmed === '1') entry.copyUnconfirmed = true;
  const deliveryValue = stringOf(delivery);
  if (deliveryValue !== undefined && DELIVERY.has(deliveryValue))
    entry.delivery = deliveryValue as ProcessedEvent['delivery'];
  const ruleValue = stringOf(rule);
  if (ruleValue !== undefined && RULES.has(ruleValue)) entry.rule = ruleValue as ProcessedEvent['rule'];
  const copyCalendarValue = stringOf(copyCalendar);
  if (copyCalendarValue !== undefined) entry.copyCalendar = copyCalendarValue;
  const copyIdValue = stringOf(copyId);
  if (copyIdValue !== undefined) entry.copyId = copyIdValue;
  const updated = numberOf(sourceUpdated);
  if (updated !== undefined) entry.sourceUpdated = updated;
  if (failure) {
    const [failedAt, attempts, reason] = failure.split(',');
    entry.failure = {
      reason: stringOf(reason) ?? '',
      at: numberOf(failedAt) ?? 0,
      attempts: numberOf(attempts) ?? 0,
    };
  }
  if (parked) {
    const comma = parked.indexOf(',');
    const updatedValue = numberOf(comma < 0 ? parked : parked.slice(0, comma));
    const title = comma < 0 ? undefined : stringOf(parked.slice(comma + 1));
    entry.parked = {
      ...(updatedValue !== undefined ? { updated: updatedValue } : {}),
      ...(title !== undefined ? { title } : {}),
    };
  }
  return entry;
}
