import { emptyMetrics } from '../state/empty.js';
import type { MetricsState, State } from '../state/types.js';

/**
 * Cumulative metrics live in the state (not in process memory) so that every
 * process's polls count: the timer's, the webhook server's, a manual run's.
 * These functions only mutate `state.metrics`; the caller saves the state
 * under the state lock, and the renderer turns it into Prometheus text.
 */

/** The `event_type` label values of `calsync_events_processed_success_total`. */
export const SUCCESS_EVENT_TYPES = [
  'birthday_clone',
  'gmail_duplicate',
  'invite_added',
  'mirror_created',
  'copy_updated',
  'copy_deleted',
  'mirror_updated',
  'mirror_deleted',
  'original_deleted',
] as const;
export type SuccessEventType = (typeof SUCCESS_EVENT_TYPES)[number];

const SEPARATOR = '\u0000';

/** `${calendarId}\u0000${label}`: NUL appears in neither calendar ids nor labels, so the key splits back unambiguously. */
export function metricKey(calendarId: string, label: string): string {
  return `${calendarId}${SEPARATOR}${label}`;
}

export function parseMetricKey(key: string): { calendarId: string; label: string } {
  const at = key.indexOf(SEPARATOR);
  if (at < 0) return { calendarId: key, label: '' };
  return { calendarId: key.slice(0, at), label: key.slice(at + 1) };
}

export function recordPollStarted(state: State): void {
  metricsOf(state).pollsInitiated += 1;
}

/**
 * Observes one poll's duration. `counts[i]` is the number of observations in
 * bucket i ALONE (non-cumulative): `buckets[i-1] < seconds <= buckets[i]`.
 * Observations above the last bound are in no bucket, only in `count` (the
 * +Inf bucket). Use `cumulativeBuckets` for Prometheus's `le` series.
 */
export function recordPollDuration(state: State, seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) return;
  const h = metricsOf(state).pollDuration;
  const i = h.buckets.findIndex((bound) => seconds <= bound);
  if (i >= 0) h.counts[i] = (h.counts[i] ?? 0) + 1;
  h.sum += seconds;
  h.count += 1;
}

/** Prometheus `le` series of the poll-duration histogram, ending with `+Inf` (= count). */
export function cumulativeBuckets(metrics: MetricsState): Array<{ le: number; count: number }> {
  const h = metrics.pollDuration;
  let running = 0;
  const out = h.buckets.map((le, i) => {
    running += h.counts[i] ?? 0;
    return { le, count: running };
  });
  out.push({ le: Number.POSITIVE_INFINITY, count: h.count });
  return out;
}

export function recordSuccess(
  state: State,
  calendarId: string,
  eventType: SuccessEventType | (string & {}),
): void {
  increment(metricsOf(state).success, metricKey(calendarId, eventType), 1);
}

export function recordFailure(state: State, calendarId: string, reason: string): void {
  increment(metricsOf(state).failure, metricKey(calendarId, reason), 1);
}

export function recordWebhookReceived(state: State): void {
  metricsOf(state).webhooksReceived += 1;
}

export function recordCleaned(state: State, n: number): void {
  if (n > 0) metricsOf(state).eventsCleaned += n;
}

function increment(counters: Record<string, number>, key: string, by: number): void {
  counters[key] = (counters[key] ?? 0) + by;
}

/** A state built by hand (tests, older code) may lack metrics: start them at zero rather than throw. */
function metricsOf(state: State): MetricsState {
  if (!state.metrics) state.metrics = emptyMetrics();
  return state.metrics;
}
