/**
 * Reads Google's error shape off a GaxiosError (or a network error) and says
 * what calsync should do about it. Bodies per
 * https://developers.google.com/workspace/calendar/api/guides/errors
 */
import { BrokenAnswerError, GoogleUnreachableError } from '../errors.js';
import { scrubUrls, urlForMessage } from '../util/url-text.js';

export type ErrorClass =
  /** Retry with backoff: 429, 403 rate limits, 5xx, network errors. */
  | 'retryable'
  /** 403 quotaExceeded: stop writing for this account for this poll. */
  | 'quota-exhausted'
  /** 410 fullSyncRequired / updatedMinTooLongAgo: drop the sync token. */
  | 'sync-token-expired'
  /** Anything else (400, 401, 403 forbidden, 404, 409, 410 deleted): fails this one call. */
  | 'permanent';

export interface GoogleErrorInfo {
  /**
   * Google's HTTP status. Undefined when Google sent none: no answer at all,
   * or an answer without Google's error shape (a proxy's, a wrong API root's:
   * reason `notGoogle`), whose 404 must not read as "no such event".
   */
  status: number | undefined;
  reason: string | undefined;
  message: string;
  /** From a Retry-After header, in ms. */
  retryAfterMs: number | undefined;
  kind: ErrorClass;
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
]);

interface GaxiosLike {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  name?: unknown;
  response?: { status?: unknown; data?: unknown; headers?: unknown };
  config?: { url?: unknown; timeout?: unknown };
  cause?: unknown;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const h = asObject(headers);
  const v = h?.[name] ?? h?.[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = asObject(e)?.code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = asObject(e)?.cause;
  }
  return undefined;
}

/** The request was aborted: by its time-out, as calsync never aborts one otherwise. */
export function isAbort(err: GaxiosLike): boolean {
  const cause = asObject(err.cause);
  return err.name === 'AbortError' || cause?.name === 'AbortError' || cause?.name === 'TimeoutError';
}

/**
 * A request that hit the client's time-out ends as "The operation was
 * aborted.", which says neither where nor how long: name the host and the limit.
 */
function timeoutMessage(err: GaxiosLike): string | undefined {
  if (!isAbort(err)) return undefined;
  const timeout = err.config?.timeout;
  let host = 'Google';
  try {
    const url = err.config?.url;
    if (url instanceof URL || typeof url === 'string') host = new URL(url).host;
  } catch {
    // keep "Google"
  }
  const limit = typeof timeout === 'number' && timeout > 0 ? ` within ${formatSeconds(timeout)}` : '';
  return `no answer from ${host}${limit} (request time-out)`;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Whether an error answer's body has Google's shape: the Calendar API's
 * `{"error": {"errors": [{"reason": …}]}}` or `{"error": {"status": …}}`, or
 * the OAuth endpoints' `{"error": "invalid_grant"}`. A proxy's or a web
 * server's page (HTML, text, other JSON) has neither.
 */
export function isGoogleErrorBody(data: unknown): boolean {
  const error = asObject(data)?.error;
  if (typeof error === 'string') return true;
  const body = asObject(error);
  if (!body) return false;
  if (typeof body.status === 'string') return true;
  return Array.isArray(body.errors) && body.errors.some((item) => typeof asObject(item)?.reason === 'string');
}

/**
 * An answer that is not Google's: what came (status, content type) from
 * where (the request's URL, without its query). Retried like Google's own
 * answer of that status would be (a proxy's 502 passes), else permanent.
 */
function notGoogle(e: GaxiosLike, status: number): GoogleErrorInfo {
  return {
    status: undefined,
    reason: 'notGoogle',
    message: notGoogleText(status, e.response?.headers, e.config?.url),
    retryAfterMs: parseRetryAfter(headerValue(e.response?.headers, 'retry-after')),
    kind: status === 429 || status >= 500 ? 'retryable' : 'permanent',
  };
}

/** "an answer that is not Google's: HTTP 404 (text/html) from https://host/path": what came from where. */
export function notGoogleText(status: number, headers: unknown, url: unknown): string {
  const type = headerValue(headers, 'content-type')?.split(';')[0]?.trim();
  const from = url instanceof URL || typeof url === 'string' ? ` from ${urlForMessage(url)}` : '';
  return `an answer that is not Google's: HTTP ${status}${type ? ` (${type})` : ''}${from}`;
}

export function classifyGoogleError(err: unknown): GoogleErrorInfo {
  // Not sent at all: its host stopped answering earlier in the run (outage.ts). Retrying would only wait.
  if (err instanceof GoogleUnreachableError)
    return {
      status: undefined,
      reason: 'unreachable',
      message: err.message,
      retryAfterMs: undefined,
      kind: 'permanent',
    };
  // A 200 with a body that is not the answer: permanent for this call, and labelled as such (not "network").
  if (err instanceof BrokenAnswerError)
    return {
      status: err.status,
      reason: 'brokenAnswer',
      message: err.message,
      retryAfterMs: undefined,
      kind: 'permanent',
    };
  const e = (asObject(err) ?? {}) as GaxiosLike;
  const statusRaw = e.response?.status ?? e.status;
  const status = typeof statusRaw === 'number' ? statusRaw : undefined;
  // Something answered, and not in Google's words: say so, never read its 404 as Google's.
  if (typeof e.response?.status === 'number' && !isGoogleErrorBody(e.response.data))
    return notGoogle(e, e.response.status);
  const body = asObject(asObject(e.response?.data)?.error);
  const first = asObject(Array.isArray(body?.errors) ? (body.errors as unknown[])[0] : undefined);
  const reason = typeof first?.reason === 'string' ? first.reason : undefined;
  // gaxios and fetch quote the request's URL ("request to https://…?syncToken=… failed"): never its query.
  const message = scrubUrls(
    typeof body?.message === 'string'
      ? body.message
      : status === undefined
        ? (timeoutMessage(e) ?? (typeof e.message === 'string' ? e.message : String(err)))
        : typeof e.message === 'string'
          ? e.message
          : String(err),
  );
  const retryAfterMs = parseRetryAfter(headerValue(e.response?.headers, 'retry-after'));

  let kind: ErrorClass = 'permanent';
  if (status === undefined) {
    kind =
      networkCode(e) || isAbort(e) || /socket hang up|network|fetch failed|ECONN|timeout|abort/i.test(message)
        ? 'retryable'
        : 'permanent';
  } else if (status === 429 || status >= 500) kind = 'retryable';
  else if (status === 403 && reason && RATE_LIMIT_REASONS.has(reason)) kind = 'retryable';
  else if (status === 403 && reason === 'quotaExceeded') kind = 'quota-exhausted';
  else if (status === 410 && (reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo'))
    kind = 'sync-token-expired';
  return { status, reason, message, retryAfterMs, kind };
}

/** A short label for the failure counter: `reason` when Google gave one, else the status. */
export function failureLabel(info: GoogleErrorInfo): string {
  if (info.reason) return info.reason;
  if (info.status) return `http_${info.status}`;
  return 'network';
}
