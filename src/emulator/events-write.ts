/** events.insert / get / patch / update / delete. */
import type { HandlerResult, RequestContext } from './context.js';
import type { EventService } from './event-service.js';
import { applyPatch, applyUpdate, renderAs, renderEvent, validateTimes } from './event-model.js';
import { validateChange, validateInsertType } from './event-rules.js';
import { errors } from './google-errors.js';
import { isRecord } from './http-util.js';
import { isValidEventId } from './ids.js';
import type { Store } from './store.js';
import type { GoogleEvent } from './types.js';

const SEND_UPDATES = new Set(['all', 'externalOnly', 'none']);

/** Fields a client cannot set on insert: the server fills them in. */
const SERVER_FIELDS = [
  'kind',
  'etag',
  'created',
  'updated',
  'htmlLink',
  'organizer',
  'creator',
  'recurringEventId',
  'originalStartTime',
];

export function insertEventHandler(store: Store, service: EventService, ctx: RequestContext): HandlerResult {
  const cal = store.writable(ctx.params[0] ?? '', ctx.account);
  checkSendUpdates(ctx.query);
  const input = eventBody(ctx.body);
  for (const f of SERVER_FIELDS) delete (input as Record<string, unknown>)[f];
  if (input.id !== undefined && input.id !== null) {
    if (typeof input.id !== 'string' || !isValidEventId(input.id)) throw errors.invalidId();
    // Deleted events keep their id: it cannot be reused.
    if (cal.events.has(input.id)) throw errors.duplicate();
  } else {
    delete input.id;
  }
  validateInsertType(cal, input);
  validateTimes(input);
  // The organizer is the calendar the event is created in.
  const stored = service.create(
    cal,
    { ...input, organizer: { email: cal.id, displayName: cal.primary ? undefined : cal.summary } },
    ctx.account,
  );
  return { status: 200, body: renderEvent(stored.event, cal.id) };
}

export function getEventHandler(store: Store, service: EventService, ctx: RequestContext): HandlerResult {
  const cal = store.readable(ctx.params[0] ?? '', ctx.account);
  const event = service.find(cal, ctx.params[1] ?? '');
  if (!event) throw errors.notFound();
  return {
    status: 200,
    body: renderAs(event, cal.id, { account: ctx.account, role: store.accessRole(cal.id, ctx.account) }),
  };
}

export function patchEventHandler(store: Store, service: EventService, ctx: RequestContext): HandlerResult {
  return change(store, service, ctx, (current, body) => applyPatch(current, body));
}

export function updateEventHandler(store: Store, service: EventService, ctx: RequestContext): HandlerResult {
  return change(store, service, ctx, (current, body) => {
    if (
      body.eventType !== undefined &&
      body.eventType !== null &&
      body.eventType !== (current.eventType ?? 'default')
    ) {
      throw errors.invalid('The event type cannot be changed.');
    }
    return applyUpdate(current, body);
  });
}

function change(
  store: Store,
  service: EventService,
  ctx: RequestContext,
  apply: (current: GoogleEvent, body: Record<string, unknown>) => GoogleEvent,
): HandlerResult {
  const cal = store.writable(ctx.params[0] ?? '', ctx.account);
  checkSendUpdates(ctx.query);
  const current = service.find(cal, ctx.params[1] ?? '');
  if (!current) throw errors.notFound();
  checkIfMatch(ctx, current);
  // Reported against Google's client libraries: an update of an event deleted
  // in the UI answered 403, so it could not be restored (the "burnt" mode).
  if (current.status === 'cancelled' && store.deletedEvents === 'burnt') throw errors.forbidden();
  const body = ctx.body;
  if (!isRecord(body)) throw errors.parseError();
  const next = apply(current, body);
  validateChange(cal, current, next);
  validateTimes(next);
  const stored = service.save(cal, next);
  return { status: 200, body: renderEvent(stored.event, cal.id) };
}

export function deleteEventHandler(store: Store, service: EventService, ctx: RequestContext): HandlerResult {
  const cal = store.writable(ctx.params[0] ?? '', ctx.account);
  checkSendUpdates(ctx.query);
  const current = service.find(cal, ctx.params[1] ?? '');
  if (!current) throw errors.notFound();
  if (current.status === 'cancelled') throw errors.deleted();
  checkIfMatch(ctx, current);
  // Deleting one occurrence stores it as a cancelled exception of its series.
  service.save(cal, { ...current, status: 'cancelled' });
  return { status: 204 };
}

/**
 * Conditional writes: with `If-Match: <etag>`, an update, patch or delete
 * succeeds only while the event still has that etag; otherwise 412
 * conditionNotMet ("Get specific versions of resources",
 * https://developers.google.com/workspace/calendar/api/guides/version-resources).
 */
function checkIfMatch(ctx: RequestContext, current: GoogleEvent): void {
  if (ctx.ifMatch === undefined || ctx.ifMatch.trim() === '*') return;
  const wanted = ctx.ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!wanted.includes(current.etag ?? '')) throw errors.conditionNotMet();
}

function checkSendUpdates(q: URLSearchParams): void {
  const v = q.get('sendUpdates');
  if (v !== null && !SEND_UPDATES.has(v))
    throw errors.invalid(`Invalid value for sendUpdates: ${v}`, 'sendUpdates');
}

function eventBody(body: unknown): GoogleEvent {
  if (!isRecord(body)) throw errors.parseError();
  return structuredClone(body);
}
