/**
 * events.instances for yearly series (special dates): Google expands the
 * recurrence rule; a changed or cancelled occurrence (an exception) replaces
 * its generated one. Other series answer 400 here: the emulator expands only
 * what calsync's special dates need (recurrence.ts).
 */
import type { HandlerResult, RequestContext } from './context.js';
import type { EventService } from './event-service.js';
import { renderAs } from './event-model.js';
import { errors } from './google-errors.js';
import { isYearlySeries, yearlyOccurrences } from './recurrence.js';
import type { Store } from './store.js';

const dateOf = (iso: string | null) => (iso ? iso.slice(0, 10).replaceAll('-', '') : undefined);

export function instancesHandler(store: Store, service: EventService, ctx: RequestContext): HandlerResult {
  const cal = store.readable(ctx.params[0] ?? '', ctx.account);
  const masterId = ctx.params[1] ?? '';
  const master = cal.events.get(masterId)?.event;
  if (!master || master.status === 'cancelled') throw errors.notFound();
  if (!isYearlySeries(master))
    throw errors.invalid('events.instances is expanded by the calsync emulator for yearly series only.');
  // timeMax is exclusive, timeMin inclusive (an all-day occurrence counts by its date).
  const from = dateOf(ctx.query.get('timeMin')) ?? '00000000';
  const toExclusive = dateOf(ctx.query.get('timeMax')) ?? '99991231';
  const maxResults = Math.min(Number(ctx.query.get('maxResults') ?? 250) || 250, 2500);
  const showDeleted = ctx.query.get('showDeleted') === 'true';
  const items = yearlyOccurrences(master, toExclusive)
    .filter((d) => d >= from && d < toExclusive)
    .map((d) => service.find(cal, `${masterId}_${d}`))
    .filter((e) => e !== undefined && (showDeleted || e.status !== 'cancelled'))
    .slice(0, maxResults)
    .map((e) =>
      renderAs(e ?? {}, cal.id, { account: ctx.account, role: store.accessRole(cal.id, ctx.account) }),
    );
  return { status: 200, body: { kind: 'calendar#events', summary: cal.summary, items } };
}
