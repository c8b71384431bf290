/**
 * calendarList.list / calendarList.get / calendars.get. The calendar list
 * holds the user's own calendars and those the user added: a calendar shared
 * through its ACL alone has no entry (calendarList.get answers 404) until the
 * user adds it (https://developers.google.com/workspace/calendar/api/concepts/events-calendars:
 * "the calendar list ... all calendars that a user has added to their list").
 */
import type { HandlerResult, RequestContext } from './context.js';
import { errors } from './google-errors.js';
import type { CalendarRecord, Store } from './store.js';

function listEntry(store: Store, cal: CalendarRecord, account: string): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    kind: 'calendar#calendarListEntry',
    etag: `"${cal.syncGeneration}"`,
    id: cal.id,
    summary: cal.summary,
    timeZone: 'UTC',
    accessRole: store.accessRole(cal.id, account),
    defaultReminders: [],
  };
  if (cal.primary && cal.owner === account) entry.primary = true;
  return entry;
}

export function calendarListHandler(store: Store, ctx: RequestContext): HandlerResult {
  const items = [...store.calendars.values()]
    .filter((c) => store.inCalendarList(c, ctx.account))
    .map((c) => listEntry(store, c, ctx.account));
  return { status: 200, body: { kind: 'calendar#calendarList', etag: '"emu"', items } };
}

export function calendarListEntryHandler(store: Store, ctx: RequestContext): HandlerResult {
  const cal = store.readable(ctx.params[0] ?? '', ctx.account);
  if (!store.inCalendarList(cal, ctx.account)) throw errors.notFound();
  return { status: 200, body: listEntry(store, cal, ctx.account) };
}

export function calendarGetHandler(store: Store, ctx: RequestContext): HandlerResult {
  const cal = store.readable(ctx.params[0] ?? '', ctx.account);
  return {
    status: 200,
    body: {
      kind: 'calendar#calendar',
      etag: `"${cal.syncGeneration}"`,
      id: cal.id,
      summary: cal.summary,
      timeZone: 'UTC',
    },
  };
}
