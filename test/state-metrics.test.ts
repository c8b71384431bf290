import { describe, expect, it } from 'vitest';
import {
  cumulativeBuckets,
  metricKey,
  parseMetricKey,
  recordCleaned,
  recordFailure,
  recordPollDuration,
  recordPollStarted,
  recordSuccess,
  recordWebhookReceived,
} from '../src/metrics/record.js';
import { emptyState, POLL_DURATION_BUCKETS } from '../src/state/index.js';
import type { State } from '../src/state/index.js';

describe('metric keys', () => {
  it('joins calendar id and label with NUL and splits them back', () => {
    const key = metricKey('a@example.com', 'mirror_created');
    expect(key).toBe('a@example.com\u0000mirror_created');
    expect(parseMetricKey(key)).toEqual({ calendarId: 'a@example.com', label: 'mirror_created' });
  });

  it('reads a key without a separator as a calendar id with an empty label', () => {
    expect(parseMetricKey('a@example.com')).toEqual({ calendarId: 'a@example.com', label: '' });
  });
});

describe('metric recording', () => {
  it('counts polls, webhooks and cleaned events', () => {
    const state = emptyState();
    recordPollStarted(state);
    recordPollStarted(state);
    recordWebhookReceived(state);
    recordCleaned(state, 5);
    recordCleaned(state, 0);
    expect(state.metrics).toMatchObject({ pollsInitiated: 2, webhooksReceived: 1, eventsCleaned: 5 });
  });

  it('counts successes and failures per calendar and label', () => {
    const state = emptyState();
    recordSuccess(state, 'a@example.com', 'birthday_clone');
    recordSuccess(state, 'a@example.com', 'birthday_clone');
    recordSuccess(state, 'b@example.com', 'invite_added');
    recordFailure(state, 'a@example.com', 'forbidden');
    expect(state.metrics.success).toEqual({
      [metricKey('a@example.com', 'birthday_clone')]: 2,
      [metricKey('b@example.com', 'invite_added')]: 1,
    });
    expect(state.metrics.failure).toEqual({ [metricKey('a@example.com', 'forbidden')]: 1 });
  });

  it('puts each poll duration in its own bucket (per-bucket counts), the overflow only in count', () => {
    const state = emptyState();
    expect(state.metrics.pollDuration.buckets).toEqual([0.5, 1, 2, 5, 10, 30, 60, 120, 300]);
    for (const s of [0.1, 0.5, 0.7, 4, 301]) recordPollDuration(state, s);
    const h = state.metrics.pollDuration;
    expect(h.counts).toEqual([2, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(h.count).toBe(5);
    expect(h.sum).toBeCloseTo(306.3);
    expect(cumulativeBuckets(state.metrics)).toEqual([
      ...[2, 3, 3, 4, 4, 4, 4, 4, 4].map((count, i) => ({ le: POLL_DURATION_BUCKETS[i], count })),
      { le: Number.POSITIVE_INFINITY, count: 5 },
    ]);
  });

  it('ignores a negative or non-finite poll duration', () => {
    const state = emptyState();
    recordPollDuration(state, -1);
    recordPollDuration(state, Number.NaN);
    expect(state.metrics.pollDuration.count).toBe(0);
  });

  it('starts metrics at zero on a state that lacks them', () => {
    const state = { ...emptyState(), metrics: undefined } as unknown as State;
    recordPollStarted(state);
    expect(state.metrics.pollsInitiated).toBe(1);
  });
});
