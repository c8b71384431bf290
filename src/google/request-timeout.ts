/** The time-out of every request to Google: the client library's and the idle listing's. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** CALSYNC_REQUEST_TIMEOUT_MS shortens the per-request time-out (tests only, like CALSYNC_RETRY_SCALE). */
export function requestTimeoutMs(): number {
  const raw = Number(process.env.CALSYNC_REQUEST_TIMEOUT_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : REQUEST_TIMEOUT_MS;
}
