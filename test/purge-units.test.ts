import { describe, expect, it } from 'vitest';
import { looksLikeId } from '../src/explain/explain.js';
import { doubtBeforeRemoval, forgetUndone } from '../src/purge/forget-shares.js';
import { EventTable } from '../src/state/index.js';
import { stateWith } from './health-helpers.js';
import { sourceOfMarker } from '../src/explain/locate.js';
import { itemsOf, queriesFor } from '../src/sync/marked-events.js';
import type { Settings } from '../src/config/types.js';
import { withoutCalsyncInvitee } from '../src/sync/remove-invitee.js';
import { invitedMarkerKey } from '../src/sync/ownership.js';
import type { GoogleEvent } from '../src/sync/types.js';

const SHARED = 'family@group.calendar.test';
const OTHER = 'family-dad@group.calendar.test';

describe('taking back calsync invitee', () => {
  it('drops only the shared calendar and the invited marker; every other guest, response and property stays', () => {
    const event: GoogleEvent = {
      id: 'e1',
      etag: '"7"',
      summary: 'Dentist',
      attendees: [
        { email: 'jo@example.test', responseStatus: 'tentative', comment: 'maybe' },
        { email: SHARED.toUpperCase(), responseStatus: 'accepted' },
      ],
      extendedProperties: {
        private: { [invitedMarkerKey(SHARED)]: SHARED, mine: 'x' },
        shared: { s: 'y' },
      },
    };
    expect(withoutCalsyncInvitee(event, SHARED)).toEqual({
      id: 'e1',
      etag: '"7"',
      summary: 'Dentist',
      attendees: [{ email: 'jo@example.test', responseStatus: 'tentative', comment: 'maybe' }],
      extendedProperties: { private: { mine: 'x' }, shared: { s: 'y' } },
    });
  });
  it("takes the previous release's marker when its guest is this shared calendar, and leaves it when this install has its own", () => {
    const legacy: GoogleEvent = {
      id: 'e1',
      attendees: [{ email: SHARED }],
      extendedProperties: { private: { calsyncInvited: '1' } },
    };
    expect(withoutCalsyncInvitee(legacy, SHARED)).toEqual({
      id: 'e1',
      attendees: [],
      extendedProperties: { private: {} },
    });
    const both: GoogleEvent = {
      id: 'e1',
      attendees: [{ email: SHARED }, { email: OTHER }],
      extendedProperties: { private: { calsyncInvited: '1', [invitedMarkerKey(OTHER)]: OTHER } },
    };
    expect(withoutCalsyncInvitee(both, OTHER).extendedProperties?.private).toEqual({ calsyncInvited: '1' });
  });
  it("leaves another install's invitee and marker exactly as they are", () => {
    const event: GoogleEvent = {
      id: 'e1',
      attendees: [{ email: SHARED }, { email: OTHER }],
      extendedProperties: {
        private: { [invitedMarkerKey(SHARED)]: SHARED, [invitedMarkerKey(OTHER)]: OTHER },
      },
    };
    expect(withoutCalsyncInvitee(event, SHARED)).toEqual({
      id: 'e1',
      attendees: [{ email: OTHER }],
      extendedProperties: { private: { [invitedMarkerKey(OTHER)]: OTHER } },
    });
  });
});

describe('what a purge removes on one calendar', () => {
  const copy = (id: string, rule: string, extra: GoogleEvent = {}, target = SHARED): GoogleEvent => ({
    id,
    extendedProperties: {
      private: { calsyncSource: `a@x/${id}-src`, calsyncRule: rule, calsyncTarget: target },
    },
    ...extra,
  });
  const legacy = (id: string, rule: string, guest?: string): GoogleEvent => ({
    id,
    ...(guest ? { attendees: [{ email: guest }] } : {}),
    extendedProperties: { private: { calsyncSource: `a@x/${id}-src`, calsyncRule: rule } },
  });
  it.each([
    ['a copy', [copy('c1', 'birthday')], [], ['copy:c1']],
    ['a mirror', [copy('m1', 'mirror')], [], ['mirror:m1']],
    ['a cancelled copy: done already', [copy('c1', 'gmail', { status: 'cancelled' })], [], []],
    [
      'a changed occurrence goes with its series',
      [copy('m1', 'mirror'), copy('m1_20260101T090000Z', 'mirror', { recurringEventId: 'm1' })],
      [],
      ['mirror:m1'],
    ],
    [
      'an occurrence whose series is gone already',
      [copy('m1_20260101T090000Z', 'mirror', { recurringEventId: 'm1' })],
      [],
      ['mirror:m1_20260101T090000Z'],
    ],
    [
      'a rule marker without the source marker is not calsync’s',
      [{ id: 'x', extendedProperties: { private: { calsyncRule: 'mirror' } } }],
      [],
      [],
    ],
    [
      'an invited event',
      [],
      [{ id: 'i1', extendedProperties: { private: { [invitedMarkerKey(SHARED)]: SHARED } } }],
      ['invite:i1'],
    ],
    [
      "another install's copy and mirror stay",
      [copy('c1', 'birthday', {}, OTHER), copy('m1', 'mirror', {}, OTHER)],
      [],
      [],
    ],
    [
      "another install's invited event stays",
      [],
      [
        {
          id: 'i1',
          attendees: [{ email: OTHER }],
          extendedProperties: { private: { [invitedMarkerKey(OTHER)]: OTHER } },
        },
      ],
      [],
    ],
    [
      "the previous release's copy is this install's when its guest is this shared calendar",
      [legacy('c1', 'birthday', SHARED), legacy('c2', 'birthday', OTHER)],
      [],
      ['copy:c1'],
    ],
    [
      "the previous release's invite marker is this install's when its guest is this shared calendar",
      [],
      [
        {
          id: 'i1',
          attendees: [{ email: SHARED }],
          extendedProperties: { private: { calsyncInvited: '1' } },
        },
        { id: 'i2', attendees: [{ email: OTHER }], extendedProperties: { private: { calsyncInvited: '1' } } },
      ],
      ['invite:i1'],
    ],
  ])('%s', (_name, copies: GoogleEvent[], invited: GoogleEvent[], expected: string[]) => {
    expect(
      itemsOf('a@x', 'a@x', copies, invited, SHARED).map((i) => `${i.kind}:${i.event.id ?? ''}`),
    ).toEqual(expected);
  });
  it("the previous release's mirror is this install's when it lives on this shared calendar", () => {
    const items = itemsOf(SHARED, SHARED, [legacy('m1', 'mirror')], [], SHARED);
    expect(items.map((i) => `${i.kind}:${i.event.id ?? ''}`)).toEqual(['mirror:m1']);
    expect(itemsOf(OTHER, OTHER, [legacy('m1', 'mirror')], [], SHARED)).toEqual([]);
  });
});

describe('explain: reading ids and markers', () => {
  it.each([
    ['cs0123456789abcdefghijklmn', true],
    ['abc123_20260101T090000Z', true],
    ['Team standup', false],
    ['abc', false],
  ])('%s looks like an id: %s', (text, expected) => {
    expect(looksLikeId(text)).toBe(expected);
  });
  it('splits a source marker into calendar and event', () => {
    expect(sourceOfMarker('alice@example.test/ev1')).toEqual({
      calendarId: 'alice@example.test',
      eventId: 'ev1',
    });
    expect(sourceOfMarker('broken')).toBeUndefined();
  });
});

describe('which listings a purge makes on a calendar', () => {
  const settings = { sourceCalendars: ['a@x'], inviteEmail: SHARED } as Settings;
  it.each([
    ['a source calendar: copies and invites', 'a@x', { rules: ['birthday', 'gmail'], invited: true }],
    [
      'the shared calendar: copies, mirrors and busy blocks',
      SHARED,
      { rules: ['birthday', 'gmail', 'mirror', 'busy'], invited: false },
    ],
    ['a copy calendar: copies only', 'copies@x', { rules: ['birthday', 'gmail'], invited: false }],
  ])('%s', (_name, calendarId, expected) => {
    expect(queriesFor(settings, calendarId)).toEqual(expected);
  });
});

describe('what a purge without --forget leaves in the state', () => {
  const A = 'alice@example.test';
  const B = 'bob@example.test';
  const mirror = 'ct0123456789abcdefghijklmnop';
  const series = 'ct1123456789abcdefghijklmnop';
  const birthday = 'ct2123456789abcdefghijklmnop';
  const dismissed = 'ct3123456789abcdefghijklmnop';
  const state = () =>
    stateWith((s) => {
      s.calendars[A] = { syncToken: 'tokA', lastSuccessAt: '2026-03-01T00:00:00Z' };
      s.calendars[B] = { syncToken: 'tokB', lastSuccessAt: '2026-03-01T00:00:00Z' };
      s.events[A] = EventTable.of({
        board: { action: 'mirror', at: 1, rule: 'mirror', copyCalendar: SHARED, copyId: mirror },
        weekly: { action: 'mirror', at: 1, rule: 'mirror', copyCalendar: SHARED, copyId: series },
        weekly_20260305T090000Z: {
          action: 'occurrence',
          at: 1,
          rule: 'occurrence',
          copyId: `${series}_20260305T090000Z`,
        },
        dentist: { action: 'invite', at: 1, rule: 'invite' },
        bday: { action: 'copy-birthday', at: 1, rule: 'birthday', copyCalendar: A, copyId: birthday },
        kept: { action: 'invite', at: 1, rule: 'invite' },
        standup: { action: 'skip', at: 1 },
        gone: {
          action: 'mirror',
          at: 1,
          rule: 'mirror',
          copyCalendar: SHARED,
          copyId: dismissed,
          delivery: 'dismissed',
        },
      });
      // The same meeting mirrored through Bob's calendar too: one mirror, two entries.
      s.events[B] = EventTable.of({
        board: { action: 'mirror', at: 1, rule: 'mirror', copyCalendar: SHARED, copyId: mirror },
        lunch: { action: 'skip', at: 1 },
      });
    });

  it('drops the entries of what it removed (a series with its occurrences), keeps the rest, and relists their calendars', () => {
    const s = state();
    const out = forgetUndone(s, [
      { calendarId: SHARED, eventId: mirror, kind: 'mirror' },
      { calendarId: SHARED, eventId: series, kind: 'mirror' },
      { calendarId: A, eventId: birthday, kind: 'copy' },
      { calendarId: A, eventId: 'dentist', kind: 'invite' },
    ]);
    expect(out).toEqual({ entries: 6, relisted: [A, B] });
    // An invitee a person removed (not found by the purge), a skip, and a mirror a person deleted stay.
    expect([...(s.events[A]?.ids() ?? [])].sort()).toEqual(['gone', 'kept', 'standup']);
    expect(s.events[A]?.get('gone')?.delivery).toBe('dismissed');
    expect([...(s.events[B]?.ids() ?? [])]).toEqual(['lunch']);
    expect(s.calendars[A]).toEqual({ lastSuccessAt: '2026-03-01T00:00:00Z' });
    expect(s.calendars[B]?.syncToken).toBeUndefined();
  });

  it("before the removals: copies held in doubt, invites no longer claimed, a person's removal untouched, calendars relisted", () => {
    const s = state();
    s.events[A]?.set('removed', { action: 'skip', at: 1, rule: 'invite', delivery: 'dismissed' });
    const out = doubtBeforeRemoval(s, [
      { calendarId: SHARED, eventId: mirror, kind: 'mirror' },
      { calendarId: SHARED, eventId: series, kind: 'mirror' },
      { calendarId: A, eventId: 'dentist', kind: 'invite' },
      { calendarId: A, eventId: 'removed', kind: 'invite' },
    ]);
    expect(out).toEqual({ entries: 5, relisted: [A, B] });
    expect(s.events[A]?.get('board')).toMatchObject({ copyId: mirror, copyUnconfirmed: true });
    expect(s.events[B]?.get('board')).toMatchObject({ copyId: mirror, copyUnconfirmed: true });
    expect(s.events[A]?.get('weekly_20260305T090000Z')?.copyUnconfirmed).toBe(true);
    expect(s.events[A]?.get('dentist')?.rule).toBeUndefined();
    expect(s.events[A]?.get('removed')).toMatchObject({ rule: 'invite', delivery: 'dismissed' });
    // Then, the removals done, the entries go as after any purge.
    forgetUndone(s, [{ calendarId: A, eventId: 'dentist', kind: 'invite' }]);
    expect(s.events[A]?.get('dentist')).toBeUndefined();
  });

  it('an invite taken back on one calendar is not an entry of the same id on another; nothing undone changes nothing', () => {
    const s = state();
    expect(forgetUndone(s, [{ calendarId: B, eventId: 'dentist', kind: 'invite' }])).toEqual({
      entries: 0,
      relisted: [],
    });
    expect(forgetUndone(s, [])).toEqual({ entries: 0, relisted: [] });
    expect(s.events[A]?.get('dentist')?.rule).toBe('invite');
    expect(s.calendars[A]?.syncToken).toBe('tokA');
  });
});
