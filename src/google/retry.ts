import pRetry, { AbortError } from 'p-retry';
import { log } from '../util/log.js';
import { classifyGoogleError } from './google-error.js';
import type { HostOutage } from './outage.js';
import { abortableSleep } from './pacer.js';
import { retryCause } from './retry-cause.js';
import { isTokenFailure } from './token-request.js';

export interface RetryOptions {
  /** What is being attempted, for log lines. */
  label: string;
  /** Give up once this much time has passed since the first attempt. */
  maxRetryTimeMs?: number;
  retries?: number;
  /** First backoff; doubles each time, randomized (jitter). */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Called before each retry (e.g. so a pacer can slow down). */
  onRetry?: (waitMs: number) => void;
  /**
   * A stop (SIGINT, SIGTERM): no retry after it; a wait between attempts ends with the signal's
   * reason, and so does an attempt that fails after it (its request ended by the stop: request-signals.ts).
   */
  signal?: AbortSignal;
  /** The run's record of hosts that stopped answering: a call to one ends at once (outage.ts). */
  outage?: HostOutage;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'label' | 'onRetry' | 'signal' | 'outage'>> = {
  maxRetryTimeMs: 120_000,
  retries: 8,
  minTimeoutMs: 500,
  maxTimeoutMs: 32_000,
};

/** Tests shorten every backoff with this factor (CALSYNC_RETRY_SCALE=0.01). */
function scale(): number {
  const raw = Number(process.env.CALSYNC_RETRY_SCALE);
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
}

/**
 * Runs a Google call with exponential backoff and jitter (p-retry). Retries 429,
 * 403 rate limits, 5xx and network errors; honours Retry-After by waiting at
 * least that long; everything else fails at once with the original error.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...options };
  const { signal } = o;
  const factor = scale();
  const started = Date.now();
  // p-retry's `signal` also throws away an attempt that succeeded after it was aborted: a write
  // Google made must be recorded, so p-retry gets one that a stop aborts only between attempts.
  const waits = new AbortController();
  let attempting = false;
  const onStop = () => {
    if (!attempting && signal) waits.abort(stopError(signal));
  };
  if (signal?.aborted) onStop();
  else signal?.addEventListener('abort', onStop, { once: true });
  const attempts = pRetry(
    async () => {
      if (signal?.aborted) throw new AbortError(stopError(signal));
      attempting = true;
      const sentAt = Date.now();
      try {
        const result = await fn();
        o.outage?.noteAnswer();
        return result;
      } catch (err) {
        const info = classifyGoogleError(err);
        // No answer after a stop: the stop ended the request (request-signals.ts), the host is not to blame.
        // An answer that came is Google's, and is handled as such (a 404 to a delete is done, say).
        if (signal?.aborted && info.status === undefined) throw new AbortError(stopError(signal));
        // A host that stopped answering fails this call now, with one line that names it, not after two minutes.
        const down = o.outage?.noteFailure(err, sentAt);
        if (down) throw new AbortError(down);
        if (info.kind !== 'retryable')
          throw new AbortError(err instanceof Error ? err : new Error(String(err)));
        throw err instanceof Error ? err : new Error(String(err));
      } finally {
        attempting = false;
      }
    },
    {
      retries: o.retries,
      minTimeout: o.minTimeoutMs * factor,
      maxTimeout: o.maxTimeoutMs * factor,
      factor: 2,
      randomize: true,
      // The time bound is real time even in tests: only the waits shrink.
      maxRetryTime: o.maxRetryTimeMs,
      signal: waits.signal,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        // Stopped meanwhile: no further attempt, and no wait for one.
        if (signal?.aborted) throw stopError(signal);
        const info = classifyGoogleError(error);
        // An unreachable Google must not look like a silent two minutes: the first retry says why, once.
        if (attemptNumber === 1 && retriesLeft > 0)
          log.warn(
            // A failed token request means the call itself was never sent: say which request failed.
            `google call ${o.label} ${isTokenFailure(error) ? 'not sent' : 'failed'} (${retryCause(error, info)}); retrying for up to ${Math.round(o.maxRetryTimeMs / 1000)} s`,
          );
        else
          log.debug('google call failed, retrying', {
            call: o.label,
            attempt: attemptNumber,
            status: info.status,
            reason: info.reason,
            retriesLeft,
          });
        // p-retry's own backoff follows this callback; Retry-After is a floor on the total wait.
        if (info.retryAfterMs !== undefined && retriesLeft > 0) {
          const wait = info.retryAfterMs * factor;
          // Waiting past the time bound only to give up after: give up now.
          if (Date.now() - started + wait > o.maxRetryTimeMs) throw error;
          o.onRetry?.(wait);
          await abortableSleep(wait, signal);
          if (signal?.aborted) throw stopError(signal);
        } else
          o.onRetry?.(Math.min(o.minTimeoutMs * factor * 2 ** (attemptNumber - 1), o.maxTimeoutMs * factor));
      },
    },
  );
  // p-retry rejects with the AbortError's original error, so callers classify Google's.
  try {
    return await attempts;
  } catch (err) {
    // A stop is no outage.
    if (signal?.aborted) throw err;
    // A call that spent every retry without reaching its host ends the run's calls to that host (outage.ts).
    throw o.outage?.giveUp(err) ?? err;
  } finally {
    signal?.removeEventListener('abort', onStop);
  }
}

/** The error a stopped call ends with: the signal's reason (an InterruptedError for SIGINT/SIGTERM). */
function stopError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('stopped');
}
