/**
 * A copy calsync deleted itself is let go by every entry that pointed at it
 * (released-copies.ts, through recordOutcome), so the shared calendar's
 * listing never reads it as a person's deletion; a copy calsync found gone
 * already (a person's doing, or nobody's) releases nothing.
 */
import { describe, expect, it } from 'vitest';
import { emptyState, EventTable } from '../src/state/index.js';
import type { ProcessedEvent, State } from '../src/state/types.js';
import { recordOutcome } from '../src/sync/record.js';
import type { Action, EventRef, SourceFacts } from '../src/sync/types.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const SHARED = 'shared@x';
const BLOCK: EventRef = { calendarId: SHARED, eventId: 'ctblock' };
const source: SourceFacts = {
  calendarId: ALICE,
  eventId: 'meet1',
  updated: 1_700_000_000_000,
  end: 1_700_003_600,
  recurring: false,
};
const holds = (rule: ProcessedEvent['rule'], extra: Partial<ProcessedEvent> = {}): ProcessedEvent => ({
  action: 'mirror',
  at: 1,
  rule,
  copyCalendar: SHARED,
  copyId: BLOCK.eventId,
  sourceUpdated: 1,
  ...extra,
});

function world(bob: ProcessedEvent): State {
  const state = emptyState();
  state.events[ALICE] = EventTable.of({ meet1: holds('busy') });
  state.events[BOB] = EventTable.of({
    meet1: bob,
    other: holds('mirror', { copyId: 'ctother' }),
  });
  return state;
}

/** Alice's poll invites the shared calendar again and deletes the block both entries point at. */
const invite: Action = { kind: 'invite', source, email: SHARED, replaces: { target: BLOCK } };
const invited = (deleted: EventRef[]) => ({
  ok: true,
  writes: 2,
  successes: [],
  entry: {
    rule: 'invite' as const,
    delivery: 'pending' as const,
    copyId: undefined,
    copyCalendar: undefined,
  },
  deleted,
});

describe('copies calsync deleted', () => {
  it("another account's entry lets go of the block, is planned again next poll, and is not dismissed", () => {
    const state = world(holds('mirror'));
    recordOutcome(state, ALICE, invite, invited([BLOCK]));
    const bob = state.events[BOB]?.get('meet1');
    expect(bob?.copyId).toBeUndefined();
    expect(bob?.copyCalendar).toBeUndefined();
    expect(bob?.delivery).toBeUndefined();
    expect(bob?.failure?.reason).toBe('deferred');
    expect(bob?.sourceUpdated).toBeUndefined();
    // The acting entry records its own outcome, with nothing to wait for.
    expect(state.events[ALICE]?.get('meet1')).toMatchObject({ rule: 'invite', delivery: 'pending' });
    expect(state.events[ALICE]?.get('meet1')?.failure).toBeUndefined();
    expect(state.events[ALICE]?.get('meet1')?.copyId).toBeUndefined();
    // What points elsewhere is left alone.
    expect(state.events[BOB]?.get('other')?.copyId).toBe('ctother');
  });

  it('a dismissal read from a listing taken while the delete was under way goes with it', () => {
    const state = world(holds('mirror', { delivery: 'dismissed' }));
    recordOutcome(state, ALICE, invite, invited([BLOCK]));
    expect(state.events[BOB]?.get('meet1')?.delivery).toBeUndefined();
  });

  it('a block found gone already (a person deleted it) releases nothing: the dismissal stands', () => {
    const state = world(holds('mirror', { delivery: 'dismissed' }));
    recordOutcome(state, ALICE, invite, invited([]));
    expect(state.events[BOB]?.get('meet1')).toMatchObject({ copyId: BLOCK.eventId, delivery: 'dismissed' });
    expect(state.events[BOB]?.get('meet1')?.failure).toBeUndefined();
  });

  it('a failed action releases nothing', () => {
    const state = world(holds('mirror'));
    recordOutcome(state, ALICE, invite, { ...invited([BLOCK]), ok: false }, 'backendError');
    expect(state.events[BOB]?.get('meet1')?.copyId).toBe(BLOCK.eventId);
  });
});
