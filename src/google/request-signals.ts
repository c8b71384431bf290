import { setMaxListeners } from 'node:events';

/**
 * What ends a request to Google that is in flight when the command is stopped
 * (SIGINT, SIGTERM: cli/stop-signals.ts). A host that accepts a request and
 * never answers would otherwise hold the stop until the request's time-out,
 * past the stop's backstop, and the state would not be saved.
 *
 * - A read (a listing, a get, a token refresh) ends at the stop: nothing of
 *   it is recorded yet, and the next run reads again.
 * - A write gets WRITE_GRACE_MS to answer, so the usual answer, a fraction
 *   of a second away, is still recorded; after that it ends unanswered. It
 *   may or may not have happened at Google: it is recorded as not done, and
 *   the next poll finds it again by its deterministic id or etag, never
 *   making it twice (sync/record.ts recordIntent, sync/act.ts DRAIN_MS).
 */

/** After a stop, how long a write in flight may take to answer before it is cut. */
export const WRITE_GRACE_MS = 2_000;

export interface RequestSignals {
  /** Aborted at the stop. */
  reads: AbortSignal;
  /** Aborted WRITE_GRACE_MS after the stop, with the stop's reason. */
  writes: AbortSignal;
}

export function requestSignals(stop: AbortSignal): RequestSignals {
  const writes = new AbortController();
  // Every write in flight listens to it: hundreds at once is no leak.
  setMaxListeners(0, writes.signal);
  const cut = () => {
    // Never the reason the process stays up: a command whose writes all answered exits at once.
    setTimeout(() => writes.abort(stop.reason), WRITE_GRACE_MS).unref();
  };
  if (stop.aborted) cut();
  else stop.addEventListener('abort', cut, { once: true });
  return { reads: stop, writes: writes.signal };
}
