import { describe, expect, it } from 'vitest';
import { decodeRow, encodeRow, rowDelivery } from '../src/state/event-row.js';
import { EventTable } from '../src/state/index.js';

describe('the delivery column (schema v4)', () => {
  it('round-trips, and is read from the row end without decoding', () => {
    for (const delivery of ['pending', 'missing', 'dismissed'] as const) {
      const row = encodeRow('e1', { action: 'invite', at: 1, rule: 'invite', delivery });
      expect(decodeRow(row).delivery).toBe(delivery);
      expect(rowDelivery(row)).toBe(delivery);
    }
    // A row whose last field is another column (an action named "pending" is never last: `at` follows it).
    expect(rowDelivery(encodeRow('e2', { action: 'pending', at: 5, copyUnconfirmed: true }))).toBeUndefined();
  });
  it('idsWithDelivery picks only the asked states', () => {
    const table = EventTable.of({
      a: { action: 'invite', at: 1, delivery: 'pending' },
      b: { action: 'invite', at: 1, delivery: 'missing' },
      c: { action: 'invite', at: 1 },
    });
    expect(table.idsWithDelivery(['missing'])).toEqual(['b']);
    expect(table.idsWithDelivery(['pending', 'missing'])).toEqual(['a', 'b']);
  });
});
