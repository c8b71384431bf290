import { describe, expect, it } from 'vitest';
import { decodeRow, encodeRow, rowHasCopy, rowId, rowIsPending } from '../src/state/event-row.js';
import { EventTable } from '../src/state/index.js';
import type { ProcessedEvent } from '../src/state/index.js';

const AT = 1_767_225_600;

const rows: Array<{ name: string; id: string; entry: ProcessedEvent; row: string }> = [
  { name: 'a bare skip', id: 'e1', entry: { action: 'skip', at: AT }, row: `e1     skip ${AT}` },
  {
    name: 'a mirror with every copy field',
    id: 'abc123',
    entry: {
      action: 'mirror',
      at: AT,
      end: AT + 3600,
      rule: 'mirror',
      copyCalendar: 'family@group.calendar.google.com',
      copyId: 'cs0v6k3',
      sourceUpdated: AT * 1000 + 123,
    },
    row: `abc123  cs0v6k3 family@group.calendar.google.com mirror mirror ${AT} ${AT + 3600} ${AT * 1000 + 123}`,
  },
  {
    name: 'an open-ended series',
    id: 's1',
    entry: { action: 'mirror', at: AT, recurring: true, rule: 'mirror', copyId: 'm1' },
    row: `s1  m1  mirror mirror ${AT}   1`,
  },
  {
    name: 'a pending failure',
    id: 'e2',
    entry: { action: 'pending', at: AT, failure: { reason: 'backendError', at: AT + 5, attempts: 2 } },
    row: `e2 ${AT + 5},2,backendError    pending ${AT}`,
  },
  {
    name: 'separators and percent signs inside strings',
    id: 'odd id,%',
    entry: {
      action: 'copy birthday',
      at: AT,
      copyCalendar: 'a b@x',
      failure: { reason: 'rate, limited 100%', at: AT, attempts: 0 },
    },
    row: `odd%20id%2C%25 ${AT},0,rate%2C%20limited%20100%25  a%20b@x  copy%20birthday ${AT}`,
  },
  {
    name: 'text outside ASCII',
    id: 'zoë',
    entry: { action: 'invite', at: AT, rule: 'invite', copyCalendar: 'zoë@example.com' },
    row: `zoë   zoë@example.com invite invite ${AT}`,
  },
  {
    name: 'an event parked after Google refused it, with its title (commas and spaces escaped)',
    id: 'p1',
    entry: {
      action: 'pending',
      at: AT,
      failure: { reason: 'timeRangeEmpty', at: AT, attempts: 3 },
      parked: { updated: AT * 1000, title: 'Offsite, day 2' },
    },
    row: `p1 ${AT},3,timeRangeEmpty    pending ${AT}     ${AT * 1000},Offsite%2C%20day%202`,
  },
  {
    name: 'a copy whose creation was interrupted',
    id: 'g1',
    entry: {
      action: 'pending',
      at: AT,
      rule: 'gmail',
      copyCalendar: 'a@x',
      copyId: 'cg1',
      copyUnconfirmed: true,
      failure: { reason: 'interrupted', at: AT, attempts: 0 },
    },
    row: `g1 ${AT},0,interrupted cg1 a@x gmail pending ${AT}    1`,
  },
  {
    name: 'a failure with an empty reason',
    id: 'e3',
    entry: { action: 'pending', at: AT, failure: { reason: '', at: AT, attempts: 1 } },
    row: `e3 ${AT},1,    pending ${AT}`,
  },
];

describe('event rows (state.json v3)', () => {
  it.each(rows)('$name: encoded as the documented row and decoded back unchanged', ({ id, entry, row }) => {
    expect(encodeRow(id, entry)).toBe(row);
    expect(rowId(row)).toBe(id);
    expect(decodeRow(row)).toEqual(entry);
  });

  it.each(rows)('$name: pending is told without decoding', ({ entry, row }) => {
    expect(rowIsPending(row)).toBe(entry.failure !== undefined);
  });

  it.each(rows)('$name: its copy is found without decoding, and no other', ({ entry, row }) => {
    if (entry.copyId) expect(rowHasCopy(row, entry.copyId)).toBe(true);
    expect(rowHasCopy(row, 'cs0v6k')).toBe(false);
    expect(rowHasCopy(row, '')).toBe(false);
    expect(rowHasCopy(row, entry.action)).toBe(false);
  });

  it('a row of only an id is a bare entry', () => {
    expect(rowId('e9')).toBe('e9');
    expect(rowIsPending('e9')).toBe(false);
    expect(rowHasCopy('e9', 'e9')).toBe(false);
    expect(decodeRow('e9')).toEqual({ action: 'unknown', at: 0 });
  });

  it('fields of a hand-edited row that do not parse read as absent, which the sync treats as "handle again"', () => {
    expect(decodeRow(`e1  c1 s@x nonsense mirror soon later never yes`)).toEqual({
      action: 'mirror',
      at: 0,
      copyId: 'c1',
      copyCalendar: 's@x',
    });
    expect(decodeRow(`e1    x 100%zz 5`).action).toBe('100%zz');
  });

  it('leaves out absent and non-finite values', () => {
    expect(
      encodeRow('e1', {
        action: 'skip',
        at: AT,
        end: Number.NaN,
        sourceUpdated: undefined,
        recurring: false,
      }),
    ).toBe(`e1     skip ${AT}`);
  });
});

describe('EventTable', () => {
  it('gets, sets, deletes and counts entries by id', () => {
    const table = new EventTable();
    expect(table.get('e1')).toBeUndefined();
    table.set('e1', { action: 'skip', at: AT }).set('e2', { action: 'invite', at: AT, rule: 'invite' });
    expect(table.size).toBe(2);
    expect(table.has('e2')).toBe(true);
    expect(table.get('e2')).toEqual({ action: 'invite', at: AT, rule: 'invite' });
    table.set('e2', { action: 'mirror', at: AT + 1 });
    expect(table.get('e2')).toEqual({ action: 'mirror', at: AT + 1 });
    expect(table.delete('e1')).toBe(true);
    expect(table.delete('e1')).toBe(false);
    expect([...table.ids()]).toEqual(['e2']);
  });

  it('hands out copies: changing what get returned changes nothing until set', () => {
    const table = EventTable.of({ e1: { action: 'skip', at: AT } });
    const entry = table.get('e1');
    if (entry) entry.action = 'mirror';
    expect(table.get('e1')?.action).toBe('skip');
  });

  it('lists pending ids and finds held copies over its rows', () => {
    const table = EventTable.of({
      a: { action: 'mirror', at: AT, copyId: 'm1' },
      b: { action: 'pending', at: AT, failure: { reason: 'deferred', at: AT, attempts: 0 } },
      c: { action: 'invite', at: AT },
    });
    expect(table.pendingIds()).toEqual(['b']);
    expect(table.holdsCopy('m1')).toBe(true);
    expect(table.holdsCopy('m2')).toBe(false);
  });

  it('serializes as its rows and is rebuilt from them', () => {
    const table = EventTable.of({
      'x y': { action: 'mirror', at: AT, copyId: 'm1' },
      b: { action: 'skip', at: AT },
    });
    const json = JSON.parse(JSON.stringify({ t: table })) as { t: string[] };
    expect(json.t).toEqual([`x%20y  m1   mirror ${AT}`, `b     skip ${AT}`]);
    const again = EventTable.fromRows(json.t);
    expect(again).toEqual(table);
    expect(again?.get('x y')).toEqual({ action: 'mirror', at: AT, copyId: 'm1' });
  });

  it("refuses rows that are not text, and drops rows without an id (no one's entry)", () => {
    expect(EventTable.fromRows(['ok', 3])).toBeUndefined();
    expect([...(EventTable.fromRows(['', ' 1,1,x', 'ok']) ?? new EventTable()).ids()]).toEqual(['ok']);
    expect(EventTable.fromRows([])?.size).toBe(0);
  });

  it('keeps no entry without an id', () => {
    const table = new EventTable().set('', { action: 'skip', at: AT });
    expect(table.size).toBe(0);
    expect(EventTable.fromRows(table.toJSON())?.size).toBe(0);
  });
});
