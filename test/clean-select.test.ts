import { describe, expect, it } from 'vitest';
import { dropEntries, keepReason, selectExpired, type KeepReason } from '../src/clean/select.js';
import { EventTable } from '../src/state/index.js';
import type { ProcessedEvent } from '../src/state/index.js';
import { stateWith } from './health-helpers.js';

const now = new Date('2026-03-31T00:00:00Z');
const DAY = 86_400_000;
const cutoff = now.getTime() - 30 * DAY; // 2026-03-01

/** Seconds since the epoch of an ISO date or date-time (what the state stores). */
const t = (iso: string): number => Math.floor(Date.parse(/T/.test(iso) ? iso : `${iso}T00:00:00Z`) / 1000);
const entry = (extra: Partial<ProcessedEvent>): ProcessedEvent => ({
  action: 'mirror',
  at: t('2026-01-01'),
  ...extra,
});

describe('which entries clean keeps', () => {
  it.each<{ name: string; e: ProcessedEvent; keep: KeepReason | undefined }>([
    {
      name: 'an event that ended before the cutoff is dropped',
      e: entry({ end: t('2026-02-01T10:00:00Z') }),
      keep: undefined,
    },
    {
      name: 'an all-day event that ended before the cutoff is dropped',
      e: entry({ end: t('2026-02-01') }),
      keep: undefined,
    },
    {
      name: 'an event that ended after the cutoff stays',
      e: entry({ end: t('2026-03-15T10:00:00Z') }),
      keep: 'recent',
    },
    { name: 'a future event stays', e: entry({ end: t('2027-01-01') }), keep: 'recent' },
    {
      name: 'a recurring series without an end stays',
      e: entry({ recurring: true }),
      keep: 'open-ended-series',
    },
    {
      name: 'a recurring series that ended long ago is dropped',
      e: entry({ recurring: true, end: t('2025-12-31') }),
      keep: undefined,
    },
    {
      name: 'an entry with a pending failure stays, however old',
      e: entry({
        end: t('2025-01-01'),
        failure: { reason: 'rateLimitExceeded', at: t('2026-03-30T00:00:00Z'), attempts: 2 },
      }),
      keep: 'pending-failure',
    },
    { name: 'an entry without an end stays', e: entry({}), keep: 'no-end' },
    { name: 'an entry whose end is not a number stays', e: entry({ end: Number.NaN }), keep: 'no-end' },
  ])('$name', ({ e, keep }) => {
    expect(keepReason(e, cutoff)).toBe(keep);
  });
});

describe('selectExpired and dropEntries', () => {
  const state = () =>
    stateWith((s) => {
      s.events['a@example.com'] = EventTable.of({
        old1: entry({ end: t('2026-01-10') }),
        recent: entry({ end: t('2026-03-20T09:00:00Z') }),
        series: entry({ recurring: true }),
      });
      s.events['b@example.com'] = EventTable.of({ old2: entry({ end: t('2025-06-01T00:00:00Z') }) });
    });

  it('selects the old entries over every calendar and counts what stays by reason', () => {
    const sel = selectExpired(state().events, now, 30 * DAY);
    expect(sel.drop).toEqual([
      { calendar: 'a@example.com', id: 'old1' },
      { calendar: 'b@example.com', id: 'old2' },
    ]);
    expect(sel.kept).toEqual({ recent: 1, 'open-ended-series': 1, 'pending-failure': 0, 'no-end': 0 });
  });

  it('drops them and removes calendars left empty', () => {
    const s = state();
    expect(dropEntries(s, selectExpired(s.events, now, 30 * DAY).drop)).toBe(2);
    expect(Object.keys(s.events)).toEqual(['a@example.com']);
    expect([...(s.events['a@example.com']?.ids() ?? [])].sort()).toEqual(['recent', 'series']);
  });

  it('a threshold of zero drops every ended event but nothing that can still change', () => {
    const sel = selectExpired(state().events, now, 0);
    expect(sel.drop.map((d) => d.id)).toEqual(['old1', 'recent', 'old2']);
  });
});
