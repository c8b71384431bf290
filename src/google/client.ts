import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { Settings } from '../config/types.js';
import { loadAccountAuth, type OAuthClient } from './auth.js';
import { requestTimeoutMs } from './request-timeout.js';
import type { RequestSignals } from './request-signals.js';

export type { calendar_v3 };
export type Calendar = calendar_v3.Calendar;

/**
 * A Calendar v3 client for an account. rootUrl must be set per client (not via
 * google.options). The client's own retries are off: it ignores Retry-After and
 * never retries POST/PATCH, so withRetry() owns every retry. `signal` ends
 * every request of the client in flight (a stop: request-signals.ts).
 */
export function calendarWithAuth(
  settings: Pick<Settings, 'googleApiRoot'>,
  authClient: OAuthClient,
  signal?: AbortSignal,
): Calendar {
  // A request that hangs must not hold the state lock: 60 s, then it counts as a network error (retried).
  return calendar({
    version: 'v3',
    auth: authClient,
    rootUrl: settings.googleApiRoot,
    retry: false,
    timeout: requestTimeoutMs(),
    ...(signal ? { signal } : {}),
  });
}

/**
 * An account's client; with a stop's `signals`, its requests end as
 * request-signals.ts says (its token refreshes as reads, its calls as
 * writes: the callers, push channels, only write).
 */
export function calendarFor(settings: Settings, account: string, signals?: RequestSignals): Calendar {
  return calendarWithAuth(
    settings,
    loadAccountAuth(settings, account, signals ? { signal: signals.reads } : {}),
    signals?.writes,
  );
}
