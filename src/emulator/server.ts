/**
 * The HTTP front: body limits, request log, fault rules, quota, and routing
 * to the handlers. Served at the root, as the Google client requests
 * `<rootUrl>/calendar/v3/...`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { calendarGetHandler, calendarListEntryHandler, calendarListHandler } from './calendars.js';
import type { HandlerResult, RequestContext } from './context.js';
import type { EventService } from './event-service.js';
import { instancesHandler } from './events-instances.js';
import { listEventsHandler } from './events-list.js';
import {
  deleteEventHandler,
  getEventHandler,
  insertEventHandler,
  patchEventHandler,
  updateEventHandler,
} from './events-write.js';
import { quotaUnits, type FaultInjector, type UserQuota } from './faults.js';
import { ApiError, errors, faultError, OAuthError } from './google-errors.js';
import {
  BodyTooLargeError,
  isRecord,
  queryObject,
  readBody,
  sendEmpty,
  sendJson,
  sleep,
} from './http-util.js';
import type { OAuthServer } from './oauth.js';
import type { PushService } from './push.js';
import type { Store } from './store.js';
import type { ConsentSettings, FaultRule, RequestLogEntry } from './types.js';

export interface ServerDeps {
  store: Store;
  service: EventService;
  oauth: OAuthServer;
  push: PushService;
  faults: FaultInjector;
  quota: UserQuota;
  requests: RequestLogEntry[];
  consent: () => ConsentSettings;
  /** ms added to the Date header of every answer. */
  clockSkewMs: () => number;
}

type Handler = (ctx: RequestContext) => HandlerResult;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const SEGMENT = '([^/]+)';

function routes(d: ServerDeps): Route[] {
  const r = (method: string, path: string, handler: Handler): Route => ({
    method,
    pattern: new RegExp(`^/calendar/v3${path}$`),
    handler,
  });
  return [
    r('GET', '/users/me/calendarList', (c) => calendarListHandler(d.store, c)),
    r('GET', `/users/me/calendarList/${SEGMENT}`, (c) => calendarListEntryHandler(d.store, c)),
    r('GET', `/calendars/${SEGMENT}`, (c) => calendarGetHandler(d.store, c)),
    r('POST', `/calendars/${SEGMENT}/events/watch`, (c) => d.push.watch(c)),
    r('GET', `/calendars/${SEGMENT}/events`, (c) => listEventsHandler(d.store, c)),
    r('POST', `/calendars/${SEGMENT}/events`, (c) => insertEventHandler(d.store, d.service, c)),
    r('GET', `/calendars/${SEGMENT}/events/${SEGMENT}/instances`, (c) =>
      instancesHandler(d.store, d.service, c),
    ),
    r('GET', `/calendars/${SEGMENT}/events/${SEGMENT}`, (c) => getEventHandler(d.store, d.service, c)),
    r('PATCH', `/calendars/${SEGMENT}/events/${SEGMENT}`, (c) => patchEventHandler(d.store, d.service, c)),
    r('PUT', `/calendars/${SEGMENT}/events/${SEGMENT}`, (c) => updateEventHandler(d.store, d.service, c)),
    r('DELETE', `/calendars/${SEGMENT}/events/${SEGMENT}`, (c) => deleteEventHandler(d.store, d.service, c)),
    r('POST', '/channels/stop', (c) => d.push.stop(c)),
  ];
}

const TOKEN_PATHS = new Set(['/token', '/o/oauth2/token']);
const REVOKE_PATHS = new Set(['/revoke', '/o/oauth2/revoke']);
const AUTH_PATHS = new Set(['/o/oauth2/v2/auth', '/o/oauth2/auth']);

export function createRequestHandler(d: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(d);
  return (req, res) => {
    handle(d, table, req, res).catch((err: unknown) => {
      // A bug in the emulator must still answer, as Google's backendError would.
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { code: 500, message, errors: [{ domain: 'global', reason: 'backendError', message }] },
        });
      else res.destroy();
    });
  };
}

async function handle(
  d: ServerDeps,
  table: Route[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = safeDecode(url.pathname);
  const entry: RequestLogEntry = {
    at: Date.now(),
    method,
    path,
    query: queryObject(url.searchParams),
    status: 0,
  };
  d.requests.push(entry);
  let answerAfterMs = 0;
  // Google's answers all carry a Date header; calsync checks its own clock against it.
  res.sendDate = false;
  res.setHeader('date', new Date(Date.now() + d.clockSkewMs()).toUTCString());
  const finish = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    entry.status = status;
    const send = () => {
      if (res.destroyed) return;
      if (status === 204 || body === undefined) sendEmpty(res, status, headers);
      else sendJson(res, status, body, headers);
    };
    if (answerAfterMs > 0) setTimeout(send, answerAfterMs).unref();
    else send();
  };

  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      // Answer, then close: the rest of the upload is not worth reading.
      finish(413, errors.tooLarge().body(), { connection: 'close' });
      return;
    }
    throw err;
  }

  const isToken = TOKEN_PATHS.has(url.pathname);
  const isRevoke = REVOKE_PATHS.has(url.pathname) && method === 'POST';
  const form = isToken || isRevoke ? parseForm(raw, req.headers['content-type']) : undefined;
  if (form) entry.body = Object.fromEntries(form);
  const account = isToken
    ? d.oauth.accountOfTokenRequest(form)
    : d.oauth.peekBearer(req.headers.authorization);
  if (account !== undefined) entry.account = account;

  const fault = d.faults.match({ method, url: path + safeDecode(url.search), account });
  if (fault) {
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.revokeAccessToken && account !== undefined) d.oauth.expireAccessTokens(account);
    answerAfterMs = fault.answerAfterMs ?? 0;
    if (fault.drop) {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    // No answer and no timer: the open request holds nothing but its socket, which close() ends.
    if (fault.hang) {
      entry.status = 0;
      return;
    }
    if (fault.rawBody !== undefined || fault.json !== undefined || fault.endlessPages) {
      answerScripted(res, fault, (entry.status = fault.status ?? 200), url.searchParams.get('pageToken'));
      return;
    }
    if (fault.status !== undefined) {
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      if (isToken)
        finish(
          fault.status,
          { error: fault.reason ?? 'server_error', error_description: 'Injected fault' },
          headers,
        );
      else
        finish(
          fault.status,
          faultError(fault.status, fault.reason, fault.retryAfterSeconds, fault.message).body(),
          headers,
        );
      return;
    }
  }

  try {
    if (isToken && method === 'POST') {
      finish(200, d.oauth.token(form ?? new URLSearchParams(), req.headers.authorization), {
        'cache-control': 'no-store',
      });
      return;
    }
    if (isRevoke) {
      // Google takes the token in the form body or the query string.
      d.oauth.revokeToken(form?.get('token') ?? url.searchParams.get('token') ?? '');
      finish(200, {});
      return;
    }
    if (AUTH_PATHS.has(url.pathname) && method === 'GET') {
      const out = d.oauth.authorize(url.searchParams, d.consent(), d.store.accounts);
      entry.status = out.status;
      if (out.location) res.writeHead(out.status, { location: out.location }).end();
      else res.writeHead(out.status, { 'content-type': 'text/plain; charset=utf-8' }).end(out.text ?? '');
      return;
    }
    const match = findRoute(table, method, url.pathname);
    if (!match) {
      finish(404, errors.notFound().body());
      return;
    }
    const caller = d.oauth.authenticate(req.headers.authorization);
    entry.units = quotaUnits(method);
    if (!d.quota.take(caller, Date.now(), entry.units)) throw errors.userRateLimit();
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw errors.parseError();
      }
      entry.body = body;
    }
    const result = match.route.handler({
      account: caller,
      query: url.searchParams,
      body,
      params: match.params,
      ifMatch: headerText(req.headers['if-match']),
    });
    finish(result.status, result.body, result.headers);
  } catch (err) {
    if (err instanceof ApiError) finish(err.code, err.body(), err.extra.headers);
    else if (err instanceof OAuthError) finish(err.code, err.body());
    else throw err;
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

let endlessPage = 0;

/** A fault's own answer in place of the real one: a body of the wrong kind or shape, or a listing that never ends. */
function answerScripted(
  res: ServerResponse,
  fault: FaultRule,
  status: number,
  pageToken: string | null,
): void {
  if (fault.rawBody !== undefined) {
    res.writeHead(status, { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' });
    res.end(fault.rawBody);
    return;
  }
  if (fault.json !== undefined) {
    sendJson(res, status, fault.json);
    return;
  }
  const next = fault.endlessPages === 'repeat' ? (pageToken ?? 'endless') : `endless-${++endlessPage}`;
  sendJson(res, status, { kind: 'calendar#events', items: [], nextPageToken: next });
}

/** Logs and fault rules see `/calendars/alice@example.com/events`, not `%40`. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function findRoute(
  table: Route[],
  method: string,
  path: string,
): { route: Route; params: string[] } | undefined {
  for (const route of table) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

function parseForm(raw: Buffer, contentType: string | undefined): URLSearchParams {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed))
        return new URLSearchParams(Object.entries(parsed).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}
