import pRetry, { AbortError } from 'p-retry';
import { log } from '../util/log.js';
import { classifyGoogleError } from './google-error.js';
import type { HostOutage } from './outage.js';
import { retryCause } from './retry-cause.js';

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
  /** The run's record of hosts that stopped answering: a call to one ends at once (outage.ts). */
  outage?: HostOutage;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, 'label' | 'onRetry' | 'outage'>> = {
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a Google call with exponential backoff and jitter (p-retry). Retries 429,
 * 403 rate limits, 5xx and network errors; honours Retry-After by waiting at
 * least that long; everything else fails at once with the original error.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...options };
  const factor = scale();
  const started = Date.now();
  return pRetry(
    async () => {
      const sentAt = Date.now();
      try {
        const result = await fn();
        o.outage?.noteAnswer();
        return result;
      } catch (err) {
        // A host that stopped answering fails this call now, with one line that names it, not after two minutes.
        const down = o.outage?.noteFailure(err, sentAt);
        if (down) throw new AbortError(down);
        const info = classifyGoogleError(err);
        if (info.kind !== 'retryable')
          throw new AbortError(err instanceof Error ? err : new Error(String(err)));
        throw err instanceof Error ? err : new Error(String(err));
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
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const info = classifyGoogleError(error);
        // An unreachable Google must not look like a silent two minutes: the first retry says why, once.
        if (attemptNumber === 1 && retriesLeft > 0)
          log.warn(
            `google call ${o.label} failed (${retryCause(error, info)}); retrying for up to ${Math.round(o.maxRetryTimeMs / 1000)} s`,
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
          await sleep(wait);
        } else
          o.onRetry?.(Math.min(o.minTimeoutMs * factor * 2 ** (attemptNumber - 1), o.maxTimeoutMs * factor));
      },
    },
  );
  // p-retry rejects with the AbortError's original error, so callers classify Google's.
}
