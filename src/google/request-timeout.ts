/**
 * The time-out of every request to Google: the client library's, the token
 * requests' and the idle listing's. The Calendar API answers a page of
 * events in well under a second; 20 s with no whole answer is a network
 * that holds requests (a black hole, a dead proxy), and the request is
 * retried anyway. Three in a row end the run's calls to that host
 * (outage.ts) within a poll timer's patience.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/** CALSYNC_REQUEST_TIMEOUT_MS shortens the per-request time-out (tests only, like CALSYNC_RETRY_SCALE). */
export function requestTimeoutMs(): number {
  const raw = Number(process.env.CALSYNC_REQUEST_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : REQUEST_TIMEOUT_MS;
}

/**
 * The OAuth token and revocation requests' time-out: the same 20 s, never
 * shortened by CALSYNC_REQUEST_TIMEOUT_MS. node-fetch, under gaxios, throws
 * an unhandled 'error' (and the process dies) when its time-out fires after
 * an answer's headers and before its body; a test's short time-out must not
 * race a busy machine's token answers.
 */
export const TOKEN_REQUEST_TIMEOUT_MS = REQUEST_TIMEOUT_MS;
