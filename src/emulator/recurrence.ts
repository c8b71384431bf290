/**
 * Expanding yearly recurrence rules (RFC 5545) into occurrence dates, for
 * events.instances and for instance ids. Only FREQ=YEARLY is expanded here
 * (special dates: birthdays and anniversaries); other rules are left to the
 * callers that do not expand. RFC 5545 3.3.10: a date that does not exist in
 * a year (29 February in 2027) is no occurrence, which is why Google gives a
 * 29 February birthday `RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1` (the last
 * day of February every year).
 */
import type { GoogleEvent } from './types.js';

interface YearlyRule {
  interval: number;
  byMonth: number | undefined;
  byMonthDay: number | undefined;
  count: number | undefined;
  /** Last allowed date, YYYYMMDD. */
  until: string | undefined;
}

function parseYearly(recurrence: string[] | null | undefined): YearlyRule | undefined {
  const line = (recurrence ?? []).find((r) => r.startsWith('RRULE:'));
  if (!line) return undefined;
  const parts = new Map(
    line
      .slice('RRULE:'.length)
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  if (parts.get('FREQ') !== 'YEARLY') return undefined;
  const num = (key: string) => (parts.has(key) ? Number(parts.get(key)) : undefined);
  return {
    interval: num('INTERVAL') ?? 1,
    byMonth: num('BYMONTH'),
    byMonthDay: num('BYMONTHDAY'),
    count: num('COUNT'),
    until: parts.get('UNTIL')?.slice(0, 8),
  };
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The occurrence in one year, YYYYMMDD, or undefined when that year has no such date. */
function inYear(rule: YearlyRule, year: number, startMonth: number, startDay: number): string | undefined {
  const month = rule.byMonth ?? startMonth;
  const last = daysIn(year, month);
  const wanted = rule.byMonthDay ?? startDay;
  const day = wanted < 0 ? last + 1 + wanted : wanted;
  if (day < 1 || day > last) return undefined;
  return `${year}${pad(month)}${pad(day)}`;
}

/** Whether the series is one this module expands (a yearly rule). */
export function isYearlySeries(master: GoogleEvent): boolean {
  return parseYearly(master.recurrence) !== undefined;
}

/**
 * Occurrence dates (YYYYMMDD) of a yearly series from its start, up to and
 * including `lastDate` (YYYYMMDD), at most `limit` of them.
 */
export function yearlyOccurrences(master: GoogleEvent, lastDate: string, limit = 2500): string[] {
  const rule = parseYearly(master.recurrence);
  const start = (master.start?.date ?? master.start?.dateTime ?? '').slice(0, 10).replaceAll('-', '');
  if (!rule || start.length !== 8) return [];
  const y0 = Number(start.slice(0, 4));
  const m0 = Number(start.slice(4, 6));
  const d0 = Number(start.slice(6, 8));
  const out: string[] = [];
  let counted = 0;
  for (let year = y0; out.length < limit; year += rule.interval) {
    const date = inYear(rule, year, m0, d0);
    if (date && date >= start) {
      if (rule.until && date > rule.until) break;
      if (date > lastDate) break;
      out.push(date);
      counted++;
      if (rule.count !== undefined && counted >= rule.count) break;
    }
    if (`${year}` > lastDate.slice(0, 4)) break;
  }
  return out;
}

/** Whether `date` (YYYYMMDD) is an occurrence of the yearly series. */
export function isYearlyOccurrence(master: GoogleEvent, date: string): boolean {
  return yearlyOccurrences(master, date).at(-1) === date;
}
