import { describe, expect, it } from 'vitest';
import { planChanges, planEvent, recheckLetGo, type PlanInput } from '../src/sync/rules.js';
import { copyEventId } from '../src/sync/ids.js';
import { invitedMarkerKey } from '../src/sync/ownership.js';
import { MARKER, type Elsewhere, type GoogleEvent, type RuleSettings } from '../src/sync/types.js';
import { EventTable } from '../src/state/index.js';
import type { ProcessedEvent } from '../src/state/types.js';
import { ruleSettings } from './helpers/rule-settings.js';

const CAL = 'alice@example.com';
const SHARED = 'family@group.calendar.google.com';
const CAROL = 'carol@example.com';
/** Another install's shared calendar, fed by the same source account. */
const OTHER_SHARED = 'family-dad@group.calendar.google.com';
const settings: RuleSettings = ruleSettings();
const holding = (holdsMirror: boolean, attendsOccurrence = holdsMirror): Elsewhere => ({
  holdsMirror: () => holdsMirror,
  attendsOccurrence: () => attendsOccurrence,
  meetingLetGo: () => undefined,
});

const T = {
  start: { dateTime: '2026-12-01T10:00:00Z' },
  end: { dateTime: '2026-12-01T11:00:00Z' },
  updated: '2026-11-20T00:00:00.000Z',
};
const own = (extra: GoogleEvent = {}): GoogleEvent => ({
  id: 'own1',
  summary: 'Dentist',
  organizer: { email: CAL, self: true },
  ...T,
  ...extra,
});
const others = (extra: GoogleEvent = {}): GoogleEvent => ({
  id: 'other1',
  summary: 'Team sync',
  organizer: { email: 'boss@corp.example' },
  attendees: [
    { email: 'boss@corp.example', organizer: true },
    { email: CAL, self: true, responseStatus: 'accepted' },
  ],
  ...T,
  ...extra,
});
const birthday: GoogleEvent = {
  id: 'bday1',
  eventType: 'birthday',
  summary: 'Ann',
  start: { date: '2026-05-04' },
  end: { date: '2026-05-05' },
  recurrence: ['RRULE:FREQ=YEARLY'],
  updated: T.updated,
};
const gmail: GoogleEvent = {
  id: 'gm1',
  eventType: 'fromGmail',
  summary: 'Flight BA123',
  location: 'LHR',
  htmlLink: 'https://calendar.example/e/gm1',
  ...T,
};

const copied = (
  rule: ProcessedEvent['rule'],
  copyId: string,
  calendar = CAL,
  extra: Partial<ProcessedEvent> = {},
): ProcessedEvent => ({
  action: 'x',
  at: 1_795_132_800,
  rule,
  copyId,
  copyCalendar: calendar,
  sourceUpdated: Date.parse(T.updated),
  ...extra,
});

const interrupted = (rule: ProcessedEvent['rule'], copyId: string, calendar = CAL): ProcessedEvent => ({
  ...copied(rule, copyId, calendar),
  copyUnconfirmed: true,
  failure: { reason: 'interrupted', at: 1_795_132_800, attempts: 0 },
});

interface Row {
  name: string;
  event: GoogleEvent;
  entry?: ProcessedEvent;
  seriesMirrored?: boolean;
  settings?: Partial<RuleSettings>;
  expect: string;
  reason?: RegExp;
}

const rows: Row[] = [
  { name: 'a birthday is copied', event: birthday, expect: 'copy-birthday' },
  {
    name: 'a copied birthday that did not change is skipped',
    event: birthday,
    entry: copied('birthday', 'x1'),
    expect: 'skip',
    reason: /up to date/,
  },
  {
    name: 'a copied birthday that changed updates its copy',
    event: { ...birthday, updated: '2026-11-21T00:00:00Z' },
    entry: copied('birthday', 'x1'),
    expect: 'update-copy',
  },
  { name: 'a Gmail event is copied', event: gmail, expect: 'copy-gmail' },
  {
    name: 'a Gmail event whose copy exists is skipped when originals are kept',
    event: gmail,
    entry: copied('gmail', 'x2'),
    expect: 'skip',
  },
  {
    name: 'a Gmail event whose copy exists is deleted with gmailOriginal delete',
    event: gmail,
    entry: copied('gmail', 'x2'),
    settings: { gmailOriginal: 'delete' },
    expect: 'delete-original',
  },
  {
    name: 'a moved Gmail event moves its copy',
    event: { ...gmail, updated: '2026-11-22T00:00:00Z' },
    entry: copied('gmail', 'x2'),
    expect: 'update-copy',
  },
  {
    name: 'a cancelled Gmail event deletes its copy',
    event: { id: 'gm1', status: 'cancelled' },
    entry: copied('gmail', 'x2'),
    expect: 'delete-copy',
  },
  {
    name: 'the cancellation of an original calsync deleted keeps the copy',
    event: { id: 'gm1', status: 'cancelled' },
    entry: copied('gmail', 'x2', CAL, { action: 'delete-original' }),
    expect: 'skip',
    reason: /copy stays/,
  },
  { name: 'an own event without the invitee gets invited', event: own(), expect: 'invite' },
  {
    name: 'an own event with the invitee already is skipped',
    event: own({ attendees: [{ email: SHARED }] }),
    expect: 'skip',
    reason: /already invited/,
  },
  {
    name: 'an invitee a person removed stays removed',
    event: own(),
    entry: { action: 'invite', at: 0, rule: 'invite' },
    expect: 'skip',
    reason: /respected/,
  },
  {
    name: "an invitee removal is respected even without state (this install's marker)",
    event: own({ extendedProperties: { private: { [invitedMarkerKey(SHARED)]: SHARED } } }),
    expect: 'skip',
    reason: /respected/,
  },
  {
    name: "another install's invite marker is no removal by a person: this install invites its own",
    event: own({
      attendees: [{ email: CAL, self: true }, { email: OTHER_SHARED }],
      extendedProperties: { private: { [invitedMarkerKey(OTHER_SHARED)]: OTHER_SHARED } },
    }),
    expect: 'invite',
  },
  {
    name: "the previous release's invite marker, its guest another shared calendar, is that install's",
    event: own({
      attendees: [{ email: CAL, self: true }, { email: OTHER_SHARED }],
      extendedProperties: { private: { [MARKER.invited]: '1' } },
    }),
    expect: 'invite',
  },
  {
    name: "the previous release's invite marker with this shared calendar as guest: invited already",
    event: own({
      attendees: [{ email: CAL, self: true }, { email: SHARED }],
      extendedProperties: { private: { [MARKER.invited]: '1' } },
    }),
    expect: 'skip',
    reason: /already invited/,
  },
  {
    name: 'an own event with guestsCanInviteOthers false is still invited',
    event: own({ guestsCanInviteOthers: false }),
    expect: 'invite',
  },
  {
    name: 'an own cancelled ordinary event is skipped',
    event: { id: 'own1', status: 'cancelled' },
    expect: 'skip',
    reason: /cancelled/,
  },
  { name: 'an event organized by someone else is mirrored', event: others(), expect: 'mirror' },
  {
    name: "guestsCanInviteOthers does not make calsync edit another person's meeting",
    event: others({ guestsCanInviteOthers: true }),
    expect: 'mirror',
  },
  {
    name: 'a mirror is skipped with the reason when no account may write the shared calendar',
    event: others(),
    settings: { mirrorWriter: undefined, noWriterReason: 'no account may write the shared calendar x' },
    expect: 'skip',
    reason: /no account may write the shared calendar x/,
  },
  {
    name: 'a meeting the account declined is not mirrored',
    event: others({ attendees: [{ email: CAL, self: true, responseStatus: 'declined' }] }),
    expect: 'skip',
    reason: /declined/,
  },
  {
    name: 'a mirrored meeting the account declines loses its mirror',
    event: others({ attendees: [{ email: CAL, self: true, responseStatus: 'declined' }] }),
    entry: copied('mirror', 'm1', SHARED),
    expect: 'delete-copy',
  },
  {
    name: 'a meeting that already invites the shared calendar is not mirrored',
    event: others({ attendees: [{ email: SHARED }, { email: CAL, self: true }] }),
    expect: 'skip',
    reason: /guest already/,
  },
  {
    name: 'a mirrored meeting that moved moves its mirror',
    event: others({ updated: '2026-11-23T00:00:00Z' }),
    entry: copied('mirror', 'm1', SHARED),
    expect: 'update-copy',
  },
  {
    name: 'an unchanged mirrored meeting is skipped',
    event: others(),
    entry: copied('mirror', 'm1', SHARED),
    expect: 'skip',
    reason: /up to date/,
  },
  {
    name: 'a cancelled mirrored meeting deletes its mirror',
    event: { id: 'other1', status: 'cancelled' },
    entry: copied('mirror', 'm1', SHARED),
    expect: 'delete-copy',
  },
  {
    name: 'events calsync created are skipped',
    event: own({ extendedProperties: { private: { [MARKER.source]: 'x/y', [MARKER.target]: SHARED } } }),
    expect: 'skip',
    reason: /created by calsync/,
  },
  {
    name: "the previous release's copy with this shared calendar as guest is this install's: skipped",
    event: own({
      attendees: [{ email: SHARED }],
      extendedProperties: { private: { [MARKER.source]: `${CAL}/b1`, [MARKER.rule]: 'birthday' } },
    }),
    expect: 'skip',
    reason: /created by calsync/,
  },
  {
    name: "another install's copy of one of this install's sources is left alone",
    event: own({
      attendees: [{ email: OTHER_SHARED }],
      extendedProperties: {
        private: { [MARKER.source]: `${CAL}/b1`, [MARKER.rule]: 'birthday', [MARKER.target]: OTHER_SHARED },
      },
    }),
    expect: 'skip',
    reason: /another calsync install/,
  },
  {
    name: "the previous release's copy naming another shared calendar as guest, of an own source: left alone",
    event: own({
      attendees: [{ email: OTHER_SHARED }],
      extendedProperties: { private: { [MARKER.source]: `${CAL}/b1`, [MARKER.rule]: 'birthday' } },
    }),
    expect: 'skip',
    reason: /another calsync install/,
  },
  {
    name: "another install's copy of an own source, read as a guest's copy (its markers are the organizer's only): left alone",
    event: others({
      id: copyEventId(OTHER_SHARED, CAROL, 'b1', 'birthday'),
      organizer: { email: CAROL },
      attendees: [
        { email: CAROL, organizer: true },
        { email: CAL, self: true, responseStatus: 'accepted' },
      ],
    }),
    settings: { sourceCalendars: [CAL, CAROL] },
    expect: 'skip',
    reason: /another calsync install/,
  },
  {
    name: "a guest's copy of a calsync copy whose organizer this install does not read is an ordinary event (chained)",
    event: others({ id: copyEventId(OTHER_SHARED, 'dan@example.com', 'b1', 'birthday') }),
    expect: 'mirror',
  },
  {
    name: "chained households: another install's mirror on a calendar read as a source is an ordinary event",
    event: own({
      extendedProperties: {
        private: { [MARKER.source]: 'dan@example.com/m1', [MARKER.rule]: 'mirror', [MARKER.target]: CAL },
      },
    }),
    expect: 'invite',
  },
  {
    name: "chained households: a previous release's mirror living on the calendar read as a source is ordinary",
    event: others({
      extendedProperties: { private: { [MARKER.source]: 'dan@example.com/m1', [MARKER.rule]: 'mirror' } },
    }),
    expect: 'mirror',
  },
  {
    name: 'a cancellation of an event calsync chose to make nothing for looks for no orphan (no write)',
    event: { id: 'own1', status: 'cancelled' },
    entry: { action: 'skip', at: 0 },
    settings: { orphanSince: 0 },
    expect: 'skip',
    reason: /cancelled/,
  },
  {
    name: 'a cancellation without any entry (a lost one) looks for orphans',
    event: { id: 'own1', status: 'cancelled' },
    settings: { orphanSince: 0 },
    expect: 'delete-orphans',
  },
  {
    name: 'focus time is skipped',
    event: own({ eventType: 'focusTime' }),
    expect: 'skip',
    reason: /focusTime/,
  },
  {
    name: 'out of office is skipped',
    event: own({ eventType: 'outOfOffice' }),
    expect: 'skip',
    reason: /outOfOffice/,
  },
  {
    name: 'working location is skipped',
    event: own({ eventType: 'workingLocation' }),
    expect: 'skip',
    reason: /workingLocation/,
  },
  {
    name: 'a recurring master organized by someone else is mirrored',
    event: others({ id: 'ser1', recurrence: ['RRULE:FREQ=WEEKLY'] }),
    expect: 'mirror',
  },
  {
    name: 'a changed occurrence of a mirrored series updates the same occurrence of the mirror',
    event: others({
      id: 'ser1_20261208T100000Z',
      recurringEventId: 'ser1',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    }),
    seriesMirrored: true,
    expect: 'update-occurrence',
  },
  {
    name: 'a cancelled occurrence of a mirrored series cancels the mirror occurrence',
    event: {
      id: 'ser1_20261208T100000Z',
      status: 'cancelled',
      recurringEventId: 'ser1',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    },
    seriesMirrored: true,
    expect: 'update-occurrence',
  },
  {
    name: 'an occurrence of a series that is not mirrored is skipped',
    event: others({
      id: 'ser2_20261208T100000Z',
      recurringEventId: 'ser2',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    }),
    expect: 'skip',
    reason: /not mirrored/,
  },
  {
    name: 'one declined occurrence of a mirrored series leaves the mirror',
    event: others({
      id: 'ser1_20261208T100000Z',
      recurringEventId: 'ser1',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
      attendees: [{ email: CAL, self: true, responseStatus: 'declined' }],
    }),
    seriesMirrored: true,
    expect: 'update-occurrence',
  },
  {
    name: 'a mirror that exists is not updated when no account may write the shared calendar (Google would refuse)',
    event: others({ updated: '2026-11-23T00:00:00Z' }),
    entry: copied('mirror', 'm1', SHARED),
    settings: { mirrorWriter: undefined },
    expect: 'skip',
    reason: /no account may write/,
  },
  {
    name: 'a mirrored meeting whose organizer became the account is invited, and its mirror goes in the same action',
    event: own(),
    entry: copied('mirror', 'm1', SHARED),
    expect: 'invite',
  },
  {
    name: 'a handed-over meeting whose mirror no account may delete waits, as any write to the shared calendar',
    event: own(),
    entry: copied('mirror', 'm1', SHARED),
    settings: { mirrorWriter: undefined },
    expect: 'skip',
    reason: /no account may write/,
  },
  {
    name: 'a meeting the shared calendar organizes is not mirrored onto it',
    event: others({ organizer: { email: SHARED } }),
    expect: 'skip',
    reason: /organized by the shared calendar/,
  },
  {
    name: 'a mirror made before of a meeting the shared calendar organizes goes',
    event: others({ organizer: { email: SHARED }, updated: '2026-11-23T00:00:00Z' }),
    entry: copied('mirror', 'm1', SHARED),
    expect: 'delete-copy',
  },
  {
    name: 'a meeting another source calendar organizes is mirrored until the shared calendar is its guest (its organizer may never invite it)',
    event: others({ organizer: { email: CAROL } }),
    expect: 'mirror',
  },
  // A copy whose creation a killed run began (recordIntent): it may or may not exist.
  {
    name: 'an interrupted birthday copy is created again, even when the source did not change',
    event: birthday,
    entry: interrupted('birthday', 'x1'),
    expect: 'copy-birthday',
  },
  {
    name: 'an interrupted Gmail copy is created again',
    event: gmail,
    entry: interrupted('gmail', 'x2'),
    expect: 'copy-gmail',
  },
  {
    name: 'an interrupted mirror is created again, not patched',
    event: others({ updated: '2026-11-23T00:00:00Z' }),
    entry: interrupted('mirror', 'm1', SHARED),
    expect: 'mirror',
  },
  {
    name: 'an interrupted copy whose source was cancelled meanwhile is deleted',
    event: { id: 'gm1', status: 'cancelled' },
    entry: interrupted('gmail', 'x2'),
    expect: 'delete-copy',
  },
  {
    name: 'an interrupted Gmail copy whose original calsync was about to delete stays when the original is gone',
    event: { id: 'gm1', status: 'cancelled' },
    entry: { ...interrupted('gmail', 'x2'), action: 'delete-original' },
    settings: { gmailOriginal: 'delete' },
    expect: 'skip',
    reason: /copy stays/,
  },
  {
    name: 'an interrupted mirror of a meeting declined meanwhile is deleted',
    event: others({ attendees: [{ email: CAL, self: true, responseStatus: 'declined' }] }),
    entry: interrupted('mirror', 'm1', SHARED),
    expect: 'delete-copy',
  },
  {
    name: 'an exception of an own series without the invitee is invited',
    event: own({
      id: 'ser3_20261208T100000Z',
      recurringEventId: 'ser3',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    }),
    expect: 'invite',
  },
  {
    name: 'a cancellation without an entry in an incremental listing looks for the copies calsync could have made',
    event: { id: 'lost1', status: 'cancelled' },
    settings: { orphanSince: 0 },
    expect: 'delete-orphans',
  },
  {
    name: 'a cancellation whose action failed before any copy was made looks for copies too',
    event: { id: 'lost1', status: 'cancelled' },
    entry: { action: 'pending', at: 1, failure: { reason: 'deferred', at: 1, attempts: 0 } },
    settings: { orphanSince: 0 },
    expect: 'delete-orphans',
  },
  {
    name: 'an old cancellation in a full listing is not looked for (bounded cost)',
    event: { id: 'old1', status: 'cancelled', updated: '2026-01-01T00:00:00Z' },
    settings: { orphanSince: Date.parse('2026-11-20T00:00:00Z') },
    expect: 'skip',
    reason: /cancelled/,
  },
  {
    name: 'a recent cancellation in a full listing is looked for',
    event: { id: 'new1', status: 'cancelled', updated: '2026-11-21T00:00:00Z' },
    settings: { orphanSince: Date.parse('2026-11-20T00:00:00Z') },
    expect: 'delete-orphans',
  },
  {
    name: "a cancelled copy of calsync's own is not looked for copies of",
    event: { id: 'cs0123456789abcdefghijklmnop', status: 'cancelled' },
    settings: { orphanSince: 0 },
    expect: 'skip',
  },
  {
    name: 'a cancelled occurrence without an entry follows its series, not a search',
    event: {
      id: 'ser9_20261208T100000Z',
      recurringEventId: 'ser9',
      status: 'cancelled',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    },
    settings: { orphanSince: 0 },
    expect: 'skip',
  },
  {
    name: 'a cancellation of an invited own event is no search (its entry says nothing was copied)',
    event: { id: 'own1', status: 'cancelled' },
    entry: { action: 'invite', at: 1, rule: 'invite' },
    settings: { orphanSince: 0 },
    expect: 'skip',
  },
  {
    name: 'a parked event that did not change waits',
    event: others({ updated: '2026-11-20T00:00:00Z' }),
    entry: {
      action: 'pending',
      at: 1,
      failure: { reason: 'timeRangeEmpty', at: 1, attempts: 3 },
      parked: { updated: Date.parse('2026-11-20T00:00:00Z') },
    },
    expect: 'skip',
    reason: /^parked: Google refused it 3 times \(timeRangeEmpty\)/,
  },
  {
    name: 'a parked event that changed is tried again',
    event: others({ updated: '2026-11-21T00:00:00Z' }),
    entry: {
      action: 'pending',
      at: 1,
      failure: { reason: 'timeRangeEmpty', at: 1, attempts: 3 },
      parked: { updated: Date.parse('2026-11-20T00:00:00Z') },
    },
    expect: 'mirror',
  },
  {
    name: 'a parked event is tried again with --retry-failed',
    event: others({ updated: '2026-11-20T00:00:00Z' }),
    entry: {
      action: 'pending',
      at: 1,
      failure: { reason: 'timeRangeEmpty', at: 1, attempts: 3 },
      parked: { updated: Date.parse('2026-11-20T00:00:00Z') },
    },
    settings: { retryParked: true },
    expect: 'mirror',
  },
];

describe('sync rules (one action per changed event)', () => {
  for (const row of rows) {
    it(row.name, () => {
      const input: PlanInput = {
        calendarId: CAL,
        event: row.event,
        entry: row.entry,
        seriesMirrored: row.seriesMirrored ?? false,
        settings: { ...settings, ...row.settings },
      };
      const action = planEvent(input);
      expect(action.kind).toBe(row.expect);
      if (row.reason) {
        expect(action.kind).toBe('skip');
        if (action.kind === 'skip') expect(action.reason).toMatch(row.reason);
      }
    });
  }

  it('writes to the shared calendar carry the account that may write it; own-calendar writes carry none', () => {
    const plan = (event: GoogleEvent, entry?: ProcessedEvent, extra: Partial<RuleSettings> = {}) =>
      planEvent({
        calendarId: CAL,
        event,
        entry,
        seriesMirrored: false,
        settings: { ...settings, mirrorWriter: 'writer@example.com', ...extra },
      });
    const mirror = plan(others());
    expect(mirror.kind === 'mirror' && mirror.account).toBe('writer@example.com');
    const update = plan(others({ updated: '2026-11-23T00:00:00Z' }), copied('mirror', 'm1', SHARED));
    expect(update.kind === 'update-copy' && update.account).toBe('writer@example.com');
    const drop = plan({ id: 'other1', status: 'cancelled' }, copied('mirror', 'm1', SHARED));
    expect(drop.kind === 'delete-copy' && drop.account).toBe('writer@example.com');
    const toShared = plan(birthday, undefined, { birthdayCopyCalendar: SHARED });
    expect(toShared.kind === 'copy-birthday' && toShared.account).toBe('writer@example.com');
    const ownCopy = plan(birthday);
    expect(ownCopy.kind === 'copy-birthday' && ownCopy.account).toBeUndefined();
    const inv = plan(own());
    expect(inv.kind).toBe('invite');
  });

  it('with no writer, a mirror is a skip marked noWriter; invites and own copies go on', () => {
    const plan = (event: GoogleEvent) =>
      planEvent({
        calendarId: CAL,
        event,
        entry: undefined,
        seriesMirrored: false,
        settings: { ...settings, mirrorWriter: undefined, noWriterReason: 'nobody may' },
      });
    expect(plan(others())).toMatchObject({ kind: 'skip', reason: 'nobody may', noWriter: true });
    // The same meeting mirrored by another source calendar (one that may write) lacks nothing: no warning.
    const held = planEvent({
      calendarId: CAL,
      event: others(),
      entry: undefined,
      seriesMirrored: false,
      settings: { ...settings, mirrorWriter: undefined },
      elsewhere: holding(true),
    });
    expect(held).toMatchObject({ kind: 'skip', reason: 'mirrored by another source calendar' });
    expect(held.kind === 'skip' && held.noWriter).toBeFalsy();
    expect(plan(own()).kind).toBe('invite');
    expect(plan(birthday).kind).toBe('copy-birthday');
  });

  it('an invite carries the event as listed, so the applier updates it without reading it first', () => {
    const event = own({ etag: '"1"' });
    const action = planEvent({ calendarId: CAL, event, entry: undefined, seriesMirrored: false, settings });
    expect(action.kind === 'invite' && action.event).toBe(event);
  });

  it('a search for orphans targets the deterministic ids of every rule, and leaves a mirror another calendar holds', () => {
    const input = (held: boolean): PlanInput => ({
      calendarId: CAL,
      event: { id: 'lost1', status: 'cancelled' },
      entry: undefined,
      seriesMirrored: false,
      settings: { ...settings, orphanSince: 0 },
      elsewhere: holding(held),
    });
    const all = planEvent(input(false));
    expect(all.kind === 'delete-orphans' && all.targets).toEqual([
      {
        target: { calendarId: CAL, eventId: copyEventId(SHARED, CAL, 'lost1', 'birthday') },
        copyKind: 'copy',
      },
      { target: { calendarId: CAL, eventId: copyEventId(SHARED, CAL, 'lost1', 'gmail') }, copyKind: 'copy' },
      {
        target: { calendarId: SHARED, eventId: copyEventId(SHARED, CAL, 'lost1', 'mirror') },
        copyKind: 'mirror',
        account: CAL,
      },
    ]);
    const held = planEvent(input(true));
    expect(held.kind === 'delete-orphans' && held.targets.map((t) => t.copyKind)).toEqual(['copy', 'copy']);
  });

  it('with no mirror writer, no orphan is looked for on the shared calendar (no account could have written it)', () => {
    const action = planEvent({
      calendarId: CAL,
      event: { id: 'lost1', status: 'cancelled' },
      entry: undefined,
      seriesMirrored: false,
      settings: { ...settings, mirrorWriter: undefined, orphanSince: 0 },
    });
    expect(action.kind === 'delete-orphans' && action.targets.map((t) => t.target.calendarId)).toEqual([
      CAL,
      CAL,
    ]);
  });

  it('an own event already inviting the shared calendar is remembered as invited, so a later removal is respected', () => {
    const action = planEvent({
      calendarId: CAL,
      event: own({ attendees: [{ email: SHARED }] }),
      entry: undefined,
      seriesMirrored: false,
      settings,
    });
    expect(action.kind === 'skip' && action.remember).toEqual({ rule: 'invite' });
  });

  it('a mirror another source calendar still holds is let go, not deleted', () => {
    const cancelled: GoogleEvent = { id: 'other1', status: 'cancelled' };
    const held = planEvent({
      calendarId: CAL,
      event: cancelled,
      entry: copied('mirror', 'm1', SHARED),
      seriesMirrored: false,
      settings,
      elsewhere: holding(true),
    });
    expect(held.kind).toBe('skip');
    expect(held.kind === 'skip' && held.remember).toEqual({
      rule: undefined,
      copyId: undefined,
      copyCalendar: undefined,
    });
    expect(held.kind === 'skip' && held.otherwise).toEqual({
      kind: 'delete-copy',
      source: held.source,
      target: { calendarId: SHARED, eventId: 'm1' },
      copyKind: 'mirror',
      account: CAL,
    });
    const alone = planEvent({
      calendarId: CAL,
      event: cancelled,
      entry: copied('mirror', 'm1', SHARED),
      seriesMirrored: false,
      settings,
      elsewhere: holding(false),
    });
    expect(alone.kind).toBe('delete-copy');
  });

  it('a let-go is checked again when recorded: if the other calendar let go meanwhile, the removal happens after all', () => {
    const cancelled: GoogleEvent = { id: 'other1', status: 'cancelled' };
    const held = planEvent({
      calendarId: CAL,
      event: cancelled,
      entry: copied('mirror', 'm1', SHARED),
      seriesMirrored: false,
      settings,
      elsewhere: holding(true),
    });
    expect(recheckLetGo(held, holding(true))).toBe(held);
    expect(recheckLetGo(held, holding(false)).kind).toBe('delete-copy');
    const plain = planEvent({
      calendarId: CAL,
      event: others(),
      entry: undefined,
      seriesMirrored: false,
      settings,
    });
    expect(recheckLetGo(plain, holding(false))).toBe(plain);
  });

  const occurrence = (extra: GoogleEvent = {}) =>
    others({
      id: 'ser1_20261208T100000Z',
      recurringEventId: 'ser1',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
      ...extra,
    });
  const declinedHere = { attendees: [{ email: CAL, self: true, responseStatus: 'declined' }] };

  it('an occurrence one account declines stays on the mirror while another source calendar attends it', () => {
    const kept = planEvent({
      calendarId: CAL,
      event: occurrence(declinedHere),
      entry: undefined,
      seriesMirrored: true,
      settings,
      elsewhere: holding(true, true),
    });
    expect(kept.kind === 'skip' && [kept.reason, kept.remember, kept.otherwise?.kind]).toEqual([
      'the occurrence stays: another source calendar still attends it',
      { rule: 'occurrence' },
      'update-occurrence',
    ]);
    const gone = planEvent({
      calendarId: CAL,
      event: occurrence(declinedHere),
      entry: undefined,
      seriesMirrored: true,
      settings,
      elsewhere: holding(true, false),
    });
    expect(gone.kind === 'update-occurrence' && gone.body).toBeNull();
  });

  it('a patched occurrence the account declines stays while another calendar attends it (judged by the occurrence, not the series)', () => {
    const entry = copied(
      'occurrence',
      `${copyEventId(SHARED, CAL, 'ser1', 'mirror')}_20261208T100000Z`,
      SHARED,
    );
    const kept = planEvent({
      calendarId: CAL,
      event: occurrence(declinedHere),
      entry,
      seriesMirrored: true,
      settings,
      elsewhere: holding(false, true),
    });
    expect(kept.kind === 'skip' && kept.remember).toEqual({
      rule: 'occurrence',
      copyId: undefined,
      copyCalendar: undefined,
    });
    expect(
      planEvent({
        calendarId: CAL,
        event: occurrence(declinedHere),
        entry,
        seriesMirrored: true,
        settings,
        elsewhere: holding(true, false),
      }).kind,
    ).toBe('delete-copy');
  });

  it('events on the shared calendar itself (listed as a source by mistake) are left alone; a copy made of one before still goes with it', () => {
    expect(
      planEvent({
        calendarId: SHARED,
        event: own({ organizer: { email: SHARED, self: true } }),
        entry: undefined,
        seriesMirrored: false,
        settings,
      }).kind,
    ).toBe('skip');
    const gone = planEvent({
      calendarId: SHARED,
      event: { id: 'gm1', status: 'cancelled' },
      entry: copied('gmail', 'x2', SHARED),
      seriesMirrored: false,
      settings,
    });
    expect(gone.kind).toBe('delete-copy');
  });

  it('a cancelled occurrence records when it was due as its end (clean keeps its entry until then); other cancellations none', () => {
    const cancelled = planEvent({
      calendarId: CAL,
      event: {
        id: 'ser1_20270308T100000Z',
        status: 'cancelled',
        recurringEventId: 'ser1',
        originalStartTime: { dateTime: '2027-03-08T10:00:00Z' },
      },
      entry: undefined,
      seriesMirrored: true,
      settings,
    });
    expect(cancelled.source).toMatchObject({
      cancelled: true,
      end: Date.UTC(2027, 2, 8, 10) / 1000,
      recurring: false,
    });
    expect(
      planEvent({
        calendarId: CAL,
        event: { id: 'x', status: 'cancelled' },
        entry: undefined,
        seriesMirrored: false,
        settings,
      }).source.end,
    ).toBeUndefined();
  });

  it('a series that became a single event clears the recurrence of its copy; a restored occurrence is confirmed', () => {
    const single = planEvent({
      calendarId: CAL,
      event: others({ updated: '2026-11-23T00:00:00Z' }),
      entry: copied('mirror', 'm1', SHARED),
      seriesMirrored: false,
      settings,
    });
    expect(single.kind === 'update-copy' && single.body.recurrence).toEqual([]);
    const occ = planEvent({
      calendarId: CAL,
      event: others({
        id: 'ser1_20261208T100000Z',
        recurringEventId: 'ser1',
        originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
      }),
      entry: undefined,
      seriesMirrored: true,
      settings,
    });
    expect(occ.kind === 'update-occurrence' && occ.body?.status).toBe('confirmed');
  });

  it('the same meeting seen from two invited accounts maps to one mirror id', () => {
    expect(copyEventId(SHARED, CAL, 'meeting1', 'mirror')).toBe(
      copyEventId(SHARED, 'carol@example.com', 'meeting1', 'mirror'),
    );
  });

  it('copies get deterministic base32hex ids that differ per rule and calendar', () => {
    const a = copyEventId(SHARED, CAL, 'e1', 'birthday');
    expect(a).toMatch(/^[0-9a-v]{5,1024}$/);
    expect(copyEventId(SHARED, CAL, 'e1', 'birthday')).toBe(a);
    expect(copyEventId(SHARED, CAL, 'e1', 'gmail')).not.toBe(a);
    expect(copyEventId(SHARED, 'bob@example.com', 'e1', 'birthday')).not.toBe(a);
  });

  it('a birthday copy carries the invitee and a marker naming its source', () => {
    const action = planEvent({
      calendarId: CAL,
      event: birthday,
      entry: undefined,
      seriesMirrored: false,
      settings,
    });
    if (action.kind !== 'copy-birthday') throw new Error(`expected copy-birthday, got ${action.kind}`);
    expect(action.body.attendees).toEqual([{ email: SHARED }]);
    expect(action.body.extendedProperties?.private?.[MARKER.source]).toBe(`${CAL}/bday1`);
    expect(action.body.eventType).toBeUndefined();
    expect(action.target).toEqual({
      calendarId: CAL,
      eventId: copyEventId(SHARED, CAL, 'bday1', 'birthday'),
    });
  });

  it('birthday copies go to the configured copy calendar', () => {
    const action = planEvent({
      calendarId: CAL,
      event: birthday,
      entry: undefined,
      seriesMirrored: false,
      settings: { ...settings, birthdayCopyCalendar: 'bdays@x' },
    });
    expect(action.kind === 'copy-birthday' && action.target.calendarId).toBe('bdays@x');
  });

  it('a Gmail copy links back to the original', () => {
    const action = planEvent({
      calendarId: CAL,
      event: gmail,
      entry: undefined,
      seriesMirrored: false,
      settings,
    });
    if (action.kind !== 'copy-gmail') throw new Error('expected copy-gmail');
    expect(action.body.description).toContain('https://calendar.example/e/gm1');
    expect(action.body.location).toBe('LHR');
    expect(action.deleteOriginal).toBe(false);
  });

  it('a mirror occurrence id is the mirror master id plus the occurrence suffix', () => {
    const event = others({
      id: 'ser1_20261208T100000Z',
      recurringEventId: 'ser1',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    });
    const action = planEvent({ calendarId: CAL, event, entry: undefined, seriesMirrored: true, settings });
    expect(action.kind === 'update-occurrence' && action.target).toEqual({
      calendarId: SHARED,
      eventId: `${copyEventId(SHARED, CAL, 'ser1', 'mirror')}_20261208T100000Z`,
    });
  });

  it('an interrupted copy is created again where the intent named it', () => {
    const action = planEvent({
      calendarId: CAL,
      event: others(),
      entry: interrupted('mirror', 'm1', SHARED),
      seriesMirrored: false,
      settings,
    });
    expect(action.kind === 'mirror' && action.target).toEqual({ calendarId: SHARED, eventId: 'm1' });
  });

  it('occurrences of a series whose mirror is in doubt are not patched: that series is not mirrored yet', () => {
    const occurrence = others({
      id: 'ser7_20261208T100000Z',
      recurringEventId: 'ser7',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    });
    const doubtful = EventTable.of({ ser7: interrupted('mirror', 'm7', SHARED) });
    const made = EventTable.of({ ser7: copied('mirror', 'm7', SHARED) });
    expect(planChanges(CAL, [occurrence], doubtful, settings).map((a) => a.kind)).toEqual(['skip']);
    expect(planChanges(CAL, [occurrence], made, settings).map((a) => a.kind)).toEqual(['update-occurrence']);
  });

  it('a listing is planned masters first, so an exception listed before its master follows the mirror', () => {
    const master = others({ id: 'ser9', recurrence: ['RRULE:FREQ=WEEKLY'] });
    const exception = others({
      id: 'ser9_20261208T100000Z',
      recurringEventId: 'ser9',
      originalStartTime: { dateTime: '2026-12-08T10:00:00Z' },
    });
    const actions = planChanges(CAL, [exception, master], new EventTable(), settings);
    expect(actions.map((a) => a.kind)).toEqual(['mirror', 'update-occurrence']);
  });

  it('a series with UNTIL records its end; one without records none (kept by clean)', () => {
    const bounded = planEvent({
      calendarId: CAL,
      event: others({ id: 's', recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20270101T000000Z'] }),
      entry: undefined,
      seriesMirrored: false,
      settings,
    });
    expect(bounded.source.end).toBe(Date.UTC(2027, 0, 1) / 1000);
    expect(bounded.source.recurring).toBe(true);
    const open = planEvent({
      calendarId: CAL,
      event: others({ id: 's', recurrence: ['RRULE:FREQ=WEEKLY'] }),
      entry: undefined,
      seriesMirrored: false,
      settings,
    });
    expect(open.source.end).toBeUndefined();
  });
});

describe('skips that made nothing are remembered, so their cancellation costs no write', () => {
  it.each([
    ['focus time', own({ eventType: 'focusTime' })],
    ['a declined meeting', others({ attendees: [{ email: CAL, self: true, responseStatus: 'declined' }] })],
    ['a meeting the shared calendar organizes', others({ organizer: { email: SHARED } })],
  ])('%s', (_name, event) => {
    const action = planEvent({ calendarId: CAL, event, entry: undefined, seriesMirrored: false, settings });
    expect(action.kind === 'skip' && action.remember).toEqual({});
  });
});
