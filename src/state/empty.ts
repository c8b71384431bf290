import { STATE_VERSION } from './types.js';
import type { MetricsState, State } from './types.js';

/**
 * Poll-duration histogram bounds in seconds. A poll is one Google listing per
 * calendar plus paced writes: sub-second when idle, minutes on a first sync.
 */
export const POLL_DURATION_BUCKETS: readonly number[] = [0.5, 1, 2, 5, 10, 30, 60, 120, 300];

export function emptyMetrics(): MetricsState {
  return {
    pollsInitiated: 0,
    webhooksReceived: 0,
    eventsCleaned: 0,
    success: {},
    failure: {},
    pollDuration: {
      buckets: [...POLL_DURATION_BUCKETS],
      counts: POLL_DURATION_BUCKETS.map(() => 0),
      sum: 0,
      count: 0,
    },
  };
}

/** A fresh state: what a new install, or a corrupt file moved aside, starts from. */
export function emptyState(): State {
  return {
    version: STATE_VERSION,
    events: {},
    calendars: {},
    channels: {},
    accounts: {},
    metrics: emptyMetrics(),
  };
}
