import { describe, expect, it } from 'vitest';
import { unitsOf } from '../src/sync/api.js';
import { overlay } from '../src/sync/conditional-update.js';
import { MARKER } from '../src/sync/types.js';

describe('quota units of a call, by its label', () => {
  // events.patch reference: "each patch request consumes three quota units".
  it('an events.patch costs 3 units, every other call 1', () => {
    expect(unitsOf('events.patch')).toBe(3);
    for (const label of [
      'events.update',
      'events.get',
      'events.list',
      'events.insert',
      'events.delete',
      'calendarList.get',
    ])
      expect(unitsOf(label)).toBe(1);
  });
});

describe('overlay: the body of an update that replaces the whole event', () => {
  const current = {
    id: 'c1',
    etag: '"1"',
    summary: 'Old',
    location: 'Here',
    start: { dateTime: '2026-01-01T10:00:00Z' },
    end: { dateTime: '2026-01-01T11:00:00Z' },
    attendees: [{ email: 'kid@example.test', responseStatus: 'accepted' }],
    reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 5 }] },
    colorId: '5',
    extendedProperties: { private: { [MARKER.source]: 'a/1', someoneElse: 'kept' }, shared: { s: '1' } },
  };

  it("keeps the attendees, reminders, colour and others' properties; lays calsync's fields over; a null field goes", () => {
    const next = overlay(current, {
      summary: 'New',
      location: null,
      start: { date: '2026-01-02', dateTime: null },
      end: { date: '2026-01-03', dateTime: null },
      recurrence: [],
      attendees: [{ email: 'ignored@example.test' }],
      extendedProperties: { private: { [MARKER.rule]: 'gmail' } },
    });
    expect(next).toEqual({
      id: 'c1',
      etag: '"1"',
      summary: 'New',
      start: { date: '2026-01-02' },
      end: { date: '2026-01-03' },
      attendees: current.attendees,
      reminders: current.reminders,
      colorId: '5',
      extendedProperties: {
        private: { [MARKER.source]: 'a/1', someoneElse: 'kept', [MARKER.rule]: 'gmail' },
        shared: { s: '1' },
      },
    });
  });
});
