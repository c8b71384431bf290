/** calendarList.list / calendarList.get / calendars.get. */
import type { HandlerResult, RequestContext } from './context.js';
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
    .filter((c) => store.accessRole(c.id, ctx.account) !== undefined)
    .map((c) => listEntry(store, c, ctx.account));
  return { status: 200, body: { kind: 'calendar#calendarList', etag: '"emu"', items } };
}

export function calendarListEntryHandler(store: Store, ctx: RequestContext): HandlerResult {
  const cal = store.readable(ctx.params[0] ?? '', ctx.account);
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
