import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { Settings } from '../config/types.js';
import { loadAccountAuth, type OAuthClient } from './auth.js';
import { requestTimeoutMs } from './request-timeout.js';

export type { calendar_v3 };
export type Calendar = calendar_v3.Calendar;

/**
 * A Calendar v3 client for an account. rootUrl must be set per client (not via
 * google.options). The client's own retries are off: it ignores Retry-After and
 * never retries POST/PATCH, so withRetry() owns every retry.
 */
export function calendarWithAuth(
  settings: Pick<Settings, 'googleApiRoot'>,
  authClient: OAuthClient,
): Calendar {
  // A request that hangs must not hold the state lock: 60 s, then it counts as a network error (retried).
  return calendar({
    version: 'v3',
    auth: authClient,
    rootUrl: settings.googleApiRoot,
    retry: false,
    timeout: requestTimeoutMs(),
  });
}

export function calendarFor(settings: Settings, account: string): Calendar {
  return calendarWithAuth(settings, loadAccountAuth(settings, account));
}
