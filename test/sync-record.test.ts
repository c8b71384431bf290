import { describe, expect, it } from 'vitest';
import { emptyState, EventTable } from '../src/state/index.js';
import { recordIntent, recordOutcome, recordSkip } from '../src/sync/record.js';
import type { Action, SourceFacts } from '../src/sync/types.js';

const CAL = 'alice@example.com';
const source: SourceFacts = {
  calendarId: CAL,
  eventId: 'e1',
  updated: 1_700_000_000_000,
  end: 1_700_003_600,
  recurring: false,
};
const ok = { ok: true, writes: 1, successes: [], entry: {} };

describe('what the state remembers of an outcome', () => {
  it('a deleted mirror that must be revisited is fetched again and seen as changed next poll', () => {
    const state = emptyState();
    state.events[CAL] = EventTable.of({
      e1: {
        action: 'mirror',
        at: 1,
        rule: 'mirror',
        copyId: 'm1',
        copyCalendar: 'shared@x',
        sourceUpdated: 1,
      },
    });
    const action: Action = {
      kind: 'delete-copy',
      source,
      target: { calendarId: 'shared@x', eventId: 'm1' },
      copyKind: 'mirror',
      revisit: true,
    };
    recordOutcome(state, CAL, action, { ...ok, entry: { copyId: undefined, copyCalendar: undefined } });
    const entry = state.events[CAL]?.get('e1');
    expect(entry?.failure?.reason).toBe('deferred');
    expect(entry?.rule).toBeUndefined();
    expect(entry?.copyId).toBeUndefined();
    expect(entry?.sourceUpdated).toBeUndefined();
  });

  it("a success clears a pending failure and records the source's updated and end", () => {
    const state = emptyState();
    state.events[CAL] = EventTable.of({
      e1: { action: 'pending', at: 1, failure: { reason: 'backendError', at: 1, attempts: 2 } },
    });
    const action: Action = { kind: 'invite', source, email: 'shared@x' };
    recordOutcome(state, CAL, action, { ...ok, entry: { rule: 'invite' } });
    expect(state.events[CAL]?.get('e1')).toMatchObject({
      action: 'invite',
      rule: 'invite',
      sourceUpdated: source.updated,
      end: source.end,
    });
    expect(state.events[CAL]?.get('e1')?.failure).toBeUndefined();
  });

  it('a failure counts attempts; a deferral does not', () => {
    const state = emptyState();
    const action: Action = { kind: 'invite', source, email: 'shared@x' };
    recordOutcome(state, CAL, action, { ...ok, ok: false }, 'backendError');
    recordOutcome(state, CAL, action, { ...ok, ok: false }, 'backendError');
    expect(state.events[CAL]?.get('e1')?.failure?.attempts).toBe(2);
    recordOutcome(state, CAL, action, { ...ok, ok: false }, 'deferred');
    expect(state.events[CAL]?.get('e1')?.failure).toMatchObject({ reason: 'deferred', attempts: 2 });
  });

  it('a skip leaves no entry for an event calsync never acted on, unless the rule asks to remember', () => {
    const state = emptyState();
    recordSkip(state, CAL, { kind: 'skip', source, reason: 'focusTime events are personal' });
    expect(state.events[CAL]?.get('e1')).toBeUndefined();
    recordSkip(state, CAL, {
      kind: 'skip',
      source,
      reason: 'shared calendar already invited',
      remember: { rule: 'invite' },
    });
    expect(state.events[CAL]?.get('e1')).toMatchObject({ action: 'skip', rule: 'invite' });
  });

  it('a copy about to be created is announced: the entry names it, unconfirmed and pending', () => {
    const state = emptyState();
    const mirror: Action = {
      kind: 'mirror',
      source,
      target: { calendarId: 'shared@x', eventId: 'm1' },
      body: {},
    };
    recordIntent(state, CAL, mirror);
    expect(state.events[CAL]?.get('e1')).toMatchObject({
      rule: 'mirror',
      copyCalendar: 'shared@x',
      copyId: 'm1',
      copyUnconfirmed: true,
      failure: { reason: 'interrupted', attempts: 0 },
    });
    expect(state.events[CAL]?.pendingIds()).toEqual(['e1']);
  });

  it("a Gmail copy whose original is deleted after it is announced as such: a vanished original was calsync's doing", () => {
    const state = emptyState();
    recordIntent(state, CAL, {
      kind: 'copy-gmail',
      source,
      target: { calendarId: CAL, eventId: 'g1' },
      body: {},
      deleteOriginal: true,
    });
    expect(state.events[CAL]?.get('e1')).toMatchObject({
      action: 'delete-original',
      rule: 'gmail',
      copyUnconfirmed: true,
    });
  });

  it('only creations are announced', () => {
    const state = emptyState();
    recordIntent(state, CAL, { kind: 'invite', source, email: 'shared@x' });
    recordIntent(state, CAL, {
      kind: 'delete-copy',
      source,
      target: { calendarId: 'shared@x', eventId: 'm1' },
      copyKind: 'mirror',
    });
    expect(state.events[CAL]).toBeUndefined();
  });

  it('the outcome settles an announced copy: success confirms it, a failure leaves it in doubt', () => {
    const state = emptyState();
    const copy: Action = {
      kind: 'copy-gmail',
      source,
      target: { calendarId: CAL, eventId: 'g1' },
      body: {},
      deleteOriginal: false,
    };
    recordIntent(state, CAL, copy);
    recordOutcome(state, CAL, copy, { ...ok, ok: false }, 'backendError');
    expect(state.events[CAL]?.get('e1')).toMatchObject({
      copyId: 'g1',
      copyUnconfirmed: true,
      failure: { reason: 'backendError', attempts: 1 },
    });
    recordIntent(state, CAL, copy);
    expect(state.events[CAL]?.get('e1')?.failure).toMatchObject({ reason: 'interrupted', attempts: 1 });
    recordOutcome(state, CAL, copy, { ...ok, entry: { rule: 'gmail', copyCalendar: CAL, copyId: 'g1' } });
    const entry = state.events[CAL]?.get('e1');
    expect(entry).toMatchObject({
      action: 'copy-gmail',
      rule: 'gmail',
      copyId: 'g1',
      sourceUpdated: source.updated,
    });
    expect(entry?.copyUnconfirmed).toBeUndefined();
    expect(entry?.failure).toBeUndefined();
  });

  it('a cancelled source counts as ended when its copy went, so clean drops the entry in time', () => {
    const state = emptyState();
    state.events[CAL] = EventTable.of({
      e1: {
        action: 'mirror',
        at: 1,
        rule: 'mirror',
        copyId: 'm1',
        copyCalendar: 'shared@x',
        recurring: true,
        sourceUpdated: 1,
      },
    });
    const cancelled = { ...source, end: undefined, recurring: false, cancelled: true as const };
    const before = Math.floor(Date.now() / 1000);
    recordOutcome(
      state,
      CAL,
      {
        kind: 'delete-copy',
        source: cancelled,
        target: { calendarId: 'shared@x', eventId: 'm1' },
        copyKind: 'mirror',
      },
      { ...ok, entry: { copyId: undefined, copyCalendar: undefined } },
    );
    const entry = state.events[CAL]?.get('e1');
    expect(entry?.recurring).toBeUndefined();
    expect(entry?.end).toBeGreaterThanOrEqual(before);
    expect(entry?.end).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('an occurrence moved later and then cancelled keeps its later end (clean keeps the entry until then)', () => {
    const state = emptyState();
    const later = 1_900_000_000;
    state.events[CAL] = EventTable.of({ e1: { action: 'skip', at: 1, rule: 'occurrence', end: later } });
    const cancelled = { ...source, end: 1_800_000_000, recurring: false, cancelled: true as const };
    recordSkip(state, CAL, { kind: 'skip', source: cancelled, reason: 'cancelled' });
    expect(state.events[CAL]?.get('e1')?.end).toBe(later);
  });
});
