/**
 * Issue 23's rules, pure and table-driven: visibility × rule × privateEvents ×
 * calendarDetails, the filters, colours, and every transition private ↔ public
 * after an invite and after a mirror.
 */
import { describe, expect, it } from 'vitest';
import type { CalendarDetail, PrivateEventsPolicy } from '../src/config/types.js';
import { copyEventId } from '../src/sync/ids.js';
import { invitedMarkerKey } from '../src/sync/ownership.js';
import { compileSkipTitles, decidePrivacy } from '../src/sync/privacy.js';
import { planEvent, type PlanInput } from '../src/sync/rules.js';
import {
  MARKER,
  type Action,
  type Elsewhere,
  type GoogleEvent,
  type RuleSettings,
} from '../src/sync/types.js';
import type { ProcessedEvent } from '../src/state/types.js';
import { ruleSettings } from './helpers/rule-settings.js';

const CAL = 'alice@example.com';
const SHARED = 'family@group.calendar.google.com';
const base: RuleSettings = ruleSettings({ sourceName: 'Alice' });
const T = {
  start: { dateTime: '2026-12-01T10:00:00Z' },
  end: { dateTime: '2026-12-01T11:00:00Z' },
  updated: '2026-11-20T00:00:00.000Z',
};
const LATER = '2026-11-21T00:00:00.000Z';
const SECRET = { summary: 'Therapy', description: 'room 12', location: 'Harley St' };

const KINDS: Record<string, GoogleEvent> = {
  organized: { id: 'own1', ...SECRET, organizer: { email: CAL, self: true }, ...T },
  "someone else's": {
    id: 'other1',
    ...SECRET,
    organizer: { email: 'boss@corp.example' },
    attendees: [{ email: 'boss@corp.example' }, { email: CAL, self: true, responseStatus: 'accepted' }],
    ...T,
  },
  birthday: {
    id: 'bday1',
    eventType: 'birthday',
    summary: 'Ann',
    start: { date: '2026-05-04' },
    end: { date: '2026-05-05' },
    recurrence: ['RRULE:FREQ=YEARLY'],
    updated: T.updated,
  },
  Gmail: { id: 'gm1', eventType: 'fromGmail', summary: 'Flight BA123', location: 'LHR', ...T },
};

const none: Elsewhere = {
  holdsMirror: () => false,
  attendsOccurrence: () => false,
  meetingLetGo: () => undefined,
};

function plan(
  event: GoogleEvent,
  settings: Partial<RuleSettings> = {},
  entry?: ProcessedEvent,
  elsewhere: Elsewhere = none,
): Action {
  const input: PlanInput = {
    calendarId: CAL,
    event,
    entry,
    seriesMirrored: false,
    settings: { ...base, ...settings },
    elsewhere,
  };
  return planEvent(input);
}

/** The action in a word: what reaches the shared calendar. */
function outcome(action: Action): string {
  if (action.kind === 'mirror') return action.form === 'busy' ? 'busy' : 'mirror';
  if (action.kind === 'skip') return 'nothing';
  return action.kind;
}

const FULL_FORM: Record<string, string> = {
  organized: 'invite',
  "someone else's": 'mirror',
  birthday: 'copy-birthday',
  Gmail: 'copy-gmail',
};

type Row = [string, string, PrivateEventsPolicy, CalendarDetail, string];
const rows: Row[] = [];
for (const visibility of ['default', 'public', 'private', 'confidential'])
  for (const kind of Object.keys(KINDS))
    for (const policy of ['busy', 'skip', 'full'] as const)
      for (const detail of ['full', 'busy'] as const) {
        const special = kind === 'birthday' || kind === 'Gmail';
        const hidden = visibility === 'private' || visibility === 'confidential';
        const expected =
          detail === 'busy'
            ? 'busy'
            : special || !hidden || policy === 'full'
              ? (FULL_FORM[kind] ?? '')
              : policy === 'busy'
                ? 'busy'
                : 'nothing';
        rows.push([visibility, kind, policy, detail, expected]);
      }

describe('what is shared, by visibility × rule × privateEvents × calendarDetails', () => {
  it.each(rows)(
    '%s %s event, privateEvents %s, calendarDetails %s → %s',
    (visibility, kind, policy, detail, expected) => {
      const event = { ...KINDS[kind], visibility };
      const action = plan(event, {
        privateEvents: policy,
        calendarDetails: detail === 'busy' ? { [CAL]: 'busy' } : {},
      });
      expect(outcome(action)).toBe(expected);
      if (expected === 'busy' && action.kind === 'mirror') {
        // Its time only: nothing else of the source, and the mirror's id.
        expect(action.target).toEqual({
          calendarId: SHARED,
          eventId: copyEventId(SHARED, CAL, event.id ?? '', 'mirror'),
        });
        expect(action.body).toMatchObject({
          summary: 'Busy (Alice)',
          transparency: 'opaque',
          start: event.start,
        });
        expect(action.body.description ?? undefined).toBeUndefined();
        expect(action.body.location ?? undefined).toBeUndefined();
        expect(action.body.attendees).toBeUndefined();
        expect(action.body.extendedProperties?.private?.[MARKER.rule]).toBe('busy');
        expect(action.body.recurrence).toEqual(event.recurrence);
      }
      expect(action.privacy?.private).toBe(visibility === 'private' || visibility === 'confidential');
    },
  );
});

describe('filters', () => {
  const skipTitles = compileSkipTitles(['^therapy$', 'interview']);
  it.each<[string, GoogleEvent, Partial<RuleSettings>, string]>([
    [
      'a matching title, any case',
      KINDS.organized ?? {},
      { skipTitles },
      'title matches skipTitles "^therapy$"',
    ],
    [
      'a matching birthday too',
      { ...KINDS.birthday, summary: 'Interview Ann' },
      { skipTitles },
      'title matches skipTitles "interview"',
    ],
    [
      'an available event with skipAvailable',
      { ...KINDS["someone else's"], transparency: 'transparent' },
      { skipAvailable: true },
      'shown as available (skipAvailable)',
    ],
  ])('%s is not shared', (_name, event, settings, why) => {
    const action = plan(event, settings);
    expect(action).toMatchObject({ kind: 'skip', reason: why, filtered: true });
  });
  it.each<[string, GoogleEvent, Partial<RuleSettings>]>([
    ['a title not matching', { ...KINDS.organized, summary: 'Dinner' }, { skipTitles }],
    [
      'an available birthday (birthdays keep their rule)',
      { ...KINDS.birthday, transparency: 'transparent' },
      { skipAvailable: true },
    ],
    [
      'an available event without skipAvailable',
      { ...KINDS["someone else's"], transparency: 'transparent' },
      {},
    ],
  ])('%s is shared', (_name, event, settings) => {
    expect(plan(event, settings).kind).not.toBe('skip');
  });
  it('the privacy decision never puts the title in its reason', () => {
    const d = decidePrivacy(CAL, { summary: 'Therapy', visibility: 'private' }, base, false);
    expect(JSON.stringify(d)).not.toContain('Therapy');
  });
});

describe('colours', () => {
  it.each<[string, GoogleEvent]>([
    ['a mirror', KINDS["someone else's"] ?? {}],
    ['a busy block', { ...KINDS["someone else's"], visibility: 'private' }],
    ['a birthday copy', KINDS.birthday ?? {}],
    ['a Gmail copy', KINDS.Gmail ?? {}],
  ])('%s gets the calendar colour', (_name, event) => {
    const action = plan(event, { calendarColors: { [CAL]: '7' } });
    expect('body' in action && action.body?.colorId).toBe('7');
  });
  it('without calendarColors the colour is left alone', () => {
    const action = plan(KINDS["someone else's"] ?? {});
    expect(action.kind === 'mirror' && action.body.colorId).toBeUndefined();
  });
});

const entry = (rule: ProcessedEvent['rule'], extra: Partial<ProcessedEvent> = {}): ProcessedEvent => ({
  action: 'x',
  at: 1_795_132_800,
  rule,
  sourceUpdated: Date.parse(T.updated),
  ...extra,
});
const mirrorId = (id: string) => copyEventId(SHARED, CAL, id, 'mirror');
const mirrored = (id: string, rule: 'mirror' | 'busy') =>
  entry(rule, { copyCalendar: SHARED, copyId: mirrorId(id) });
const invitedEvent = (extra: GoogleEvent = {}): GoogleEvent => ({
  ...KINDS.organized,
  attendees: [{ email: 'jo@example.com', responseStatus: 'accepted' }, { email: SHARED }],
  extendedProperties: { private: { [invitedMarkerKey(SHARED)]: '1' } },
  ...extra,
});
const other = KINDS["someone else's"] ?? {};

describe('transitions', () => {
  it.each<[string, GoogleEvent, ProcessedEvent | undefined, Partial<Action> & { kind: Action['kind'] }]>([
    [
      'invited, turns private: the invitee goes and a busy block comes, in one action',
      invitedEvent({ visibility: 'private', updated: LATER }),
      entry('invite'),
      { kind: 'mirror', form: 'busy' },
    ],
    [
      'invited, turns private with privateEvents skip: only the invitee goes',
      invitedEvent({ visibility: 'private', updated: LATER }),
      entry('invite'),
      { kind: 'uninvite', email: SHARED },
    ],
    [
      'a busy block of an own event, turns public: invited, and the block goes, in one action',
      { ...KINDS.organized, visibility: 'public', updated: LATER },
      mirrored('own1', 'busy'),
      { kind: 'invite', replaces: { target: { calendarId: SHARED, eventId: mirrorId('own1') } } },
    ],
    [
      'a busy block gone by revisit (an earlier release): no marker, no entry rule: invited',
      { ...KINDS.organized, visibility: 'public', updated: LATER },
      entry(undefined),
      { kind: 'invite' },
    ],
    [
      'a mirror, turns private: the mirror becomes a busy block in place',
      { ...other, visibility: 'private', updated: LATER },
      mirrored('other1', 'mirror'),
      { kind: 'update-copy', form: 'busy', target: { calendarId: SHARED, eventId: mirrorId('other1') } },
    ],
    [
      'a busy block, turns public: the mirror comes back in place',
      { ...other, visibility: 'public', updated: LATER },
      mirrored('other1', 'busy'),
      { kind: 'update-copy', form: 'full', target: { calendarId: SHARED, eventId: mirrorId('other1') } },
    ],
    [
      'a busy block, unchanged, a looser setting (full resync lists it): the mirror comes back',
      { ...other },
      mirrored('other1', 'busy'),
      { kind: 'update-copy', form: 'full' },
    ],
    [
      'a mirror, unchanged, a stricter setting (full resync lists it): a busy block in place',
      { ...other, visibility: 'private' },
      mirrored('other1', 'mirror'),
      { kind: 'update-copy', form: 'busy' },
    ],
    [
      'a busy block, unchanged: nothing to do',
      { ...other, visibility: 'private' },
      mirrored('other1', 'busy'),
      { kind: 'skip', reason: 'busy block is up to date' },
    ],
    [
      'a mirror, now filtered: it goes',
      { ...other, summary: 'Therapy', updated: LATER },
      mirrored('other1', 'mirror'),
      { kind: 'delete-copy', copyKind: 'mirror' },
    ],
    [
      'a birthday copy, its calendar now busy: the copy goes, the block follows next poll',
      { ...KINDS.birthday, updated: LATER },
      entry('birthday', { copyCalendar: CAL, copyId: copyEventId(SHARED, CAL, 'bday1', 'birthday') }),
      { kind: 'delete-copy', copyKind: 'copy', revisit: true },
    ],
    [
      'invited by calsync, a person removed the invitee, turns private: respected, nothing',
      {
        ...KINDS.organized,
        visibility: 'private',
        extendedProperties: { private: { [invitedMarkerKey(SHARED)]: '1' } },
      },
      entry('invite'),
      { kind: 'skip', reason: 'invitee was removed by a person; respected' },
    ],
    [
      'the shared calendar invited by a person to a private event: left to that person',
      { ...KINDS.organized, visibility: 'private', attendees: [{ email: SHARED }] },
      undefined,
      { kind: 'skip' },
    ],
  ])('%s', (name, event, e, expected) => {
    const settings: Partial<RuleSettings> = name.includes('privateEvents skip')
      ? { privateEvents: 'skip' }
      : name.includes('filtered')
        ? { skipTitles: compileSkipTitles(['therapy']) }
        : name.includes('now busy')
          ? { calendarDetails: { [CAL]: 'busy' } }
          : {};
    const action = plan(event, settings, e);
    expect(action).toMatchObject(expected);
    if (action.kind === 'mirror' && name.includes('invitee goes'))
      expect(action.uninvite?.email).toBe(SHARED);
  });

  it('with no account to write the shared calendar, the invitee of a private event still goes', () => {
    const action = plan(
      invitedEvent({ visibility: 'private', updated: LATER }),
      { mirrorWriter: undefined },
      entry('invite'),
    );
    expect(action).toMatchObject({ kind: 'uninvite', email: SHARED });
  });
});

describe("a person's removal holds for the meeting", () => {
  const removed = (how: 'dismissed' | 'invite'): Elsewhere => ({ ...none, meetingLetGo: () => how });
  it.each<[string, GoogleEvent, 'dismissed' | 'invite', string]>([
    [
      'a co-guest copy without the shared calendar, which another account invited',
      other,
      'invite',
      'the shared calendar was removed from this meeting by a person; respected',
    ],
    [
      'the same, private',
      { ...other, visibility: 'private' },
      'invite',
      'the shared calendar was removed from this meeting by a person; respected',
    ],
    [
      "a meeting whose mirror a person deleted through another account's copy",
      other,
      'dismissed',
      'deleted from the shared calendar by a person; respected',
    ],
    [
      'the same, a busy block',
      { ...other, visibility: 'private' },
      'dismissed',
      'deleted from the shared calendar by a person; respected',
    ],
  ])('%s: nothing is made', (_name, event, how, reason) => {
    expect(plan(event, {}, undefined, removed(how))).toMatchObject({ kind: 'skip', reason });
  });
});

describe('single occurrences of a series', () => {
  const SERIES = 'own1';
  const OCC = 'own1_20261201T100000Z';
  const seriesBlock = mirrorId(SERIES);
  const occurrence = (extra: GoogleEvent = {}): GoogleEvent => ({
    ...KINDS.organized,
    id: OCC,
    recurringEventId: SERIES,
    originalStartTime: T.start,
    ...extra,
  });
  const invitedOccurrence = (extra: GoogleEvent = {}): GoogleEvent =>
    occurrence({
      attendees: [{ email: 'jo@example.com' }, { email: SHARED }],
      extendedProperties: { private: { [invitedMarkerKey(SHARED)]: SHARED } },
      ...extra,
    });
  const ownBlock = entry('busy', { copyCalendar: SHARED, copyId: mirrorId(OCC) });
  it.each<
    [
      string,
      GoogleEvent,
      {
        seriesMirrored: boolean;
        seriesInvited?: boolean;
        entry?: ProcessedEvent;
        settings?: Partial<RuleSettings>;
      },
      Partial<Action> & { kind: Action['kind'] },
    ]
  >([
    [
      'invited alone (public in a busy series), its calendar now busy: the invitee goes first',
      invitedOccurrence({ visibility: 'public' }),
      { seriesMirrored: true, entry: entry('invite'), settings: { calendarDetails: { [CAL]: 'busy' } } },
      { kind: 'uninvite', email: SHARED },
    ],
    [
      'then, without the invitee: the series block shows the occurrence as busy',
      occurrence({ visibility: 'public', updated: LATER }),
      { seriesMirrored: true, entry: entry(undefined), settings: { calendarDetails: { [CAL]: 'busy' } } },
      {
        kind: 'update-occurrence',
        target: { calendarId: SHARED, eventId: `${seriesBlock}_20261201T100000Z` },
      },
    ],
    [
      'made public in a series shared as a busy block: busy like its series, never invited',
      occurrence({ visibility: 'public', updated: LATER }),
      { seriesMirrored: true, entry: undefined },
      {
        kind: 'update-occurrence',
        target: { calendarId: SHARED, eventId: `${seriesBlock}_20261201T100000Z` },
        privacy: { share: 'busy', why: 'its series is shared as a busy block', private: false },
      },
    ],
    [
      'invited through its series, turns private: a block of its own, the invitee goes in the same action',
      invitedOccurrence({ visibility: 'private', updated: LATER }),
      { seriesMirrored: false, entry: undefined },
      { kind: 'mirror', form: 'busy', target: { calendarId: SHARED, eventId: mirrorId(OCC) } },
    ],
    [
      'its own block, changed again: the block follows',
      occurrence({ visibility: 'private', updated: LATER, start: { dateTime: '2026-12-01T12:00:00Z' } }),
      { seriesMirrored: false, entry: ownBlock },
      { kind: 'update-copy', form: 'busy', target: { calendarId: SHARED, eventId: mirrorId(OCC) } },
    ],
    [
      'its own block, back to public: invited again, and the block goes',
      occurrence({ visibility: 'public', updated: LATER }),
      { seriesMirrored: false, entry: ownBlock },
      { kind: 'invite', replaces: { target: { calendarId: SHARED, eventId: mirrorId(OCC) } } },
    ],
    [
      'its own block, the series now has a block too: its own goes',
      occurrence({ visibility: 'private', updated: LATER }),
      { seriesMirrored: true, entry: ownBlock },
      { kind: 'delete-copy', target: { calendarId: SHARED, eventId: mirrorId(OCC) }, revisit: true },
    ],
    [
      'invited alone in a mirrored series, with privateEvents skip: the invitee goes first',
      invitedOccurrence({ visibility: 'private', updated: LATER }),
      { seriesMirrored: true, entry: entry('invite'), settings: { privateEvents: 'skip' } },
      { kind: 'uninvite', email: SHARED },
    ],
    [
      'private before the series was invited (Google did not copy the guest into it): a block of its own',
      occurrence({ visibility: 'private' }),
      { seriesMirrored: false, seriesInvited: true },
      { kind: 'mirror', form: 'busy', target: { calendarId: SHARED, eventId: mirrorId(OCC) } },
    ],
    [
      'private, its entry pointing into a series block that went (the series is invited again): a block of its own',
      occurrence({ visibility: 'private' }),
      {
        seriesMirrored: false,
        seriesInvited: true,
        entry: entry('occurrence', { copyCalendar: SHARED, copyId: `${seriesBlock}_20261201T100000Z` }),
      },
      { kind: 'mirror', form: 'busy', target: { calendarId: SHARED, eventId: mirrorId(OCC) } },
    ],
    [
      'private in a series nobody shares: nothing',
      occurrence({ visibility: 'private' }),
      { seriesMirrored: false },
      { kind: 'skip', reason: 'series is not mirrored' },
    ],
  ])('%s', (_name, event, given, expected) => {
    const action = planEvent({
      calendarId: CAL,
      event,
      entry: given.entry,
      seriesMirrored: given.seriesMirrored,
      seriesMirrorId: given.seriesMirrored ? seriesBlock : undefined,
      seriesBusy: given.seriesMirrored,
      seriesInvited: given.seriesInvited ?? false,
      settings: { ...base, ...given.settings },
      elsewhere: none,
    });
    expect(action).toMatchObject(expected);
    if (action.kind === 'mirror') {
      expect(action.uninvite?.email).toBe(event.attendees ? SHARED : undefined);
      expect(action.body.summary).toBe('Busy (Alice)');
      expect(action.body.recurrence).toBeUndefined();
    }
  });
});

describe("calsync's own invitee never stays on an event not shared in full", () => {
  const privateInvited = invitedEvent({ visibility: 'private', updated: LATER });
  const block = mirrored('own1', 'busy');
  it.each<
    [
      string,
      GoogleEvent,
      ProcessedEvent | undefined,
      Partial<RuleSettings>,
      Elsewhere,
      Partial<Action> & { kind: Action['kind'] },
    ]
  >([
    [
      'its block was deleted by a person: the invitee goes, the deletion stays remembered',
      privateInvited,
      entry('invite', { delivery: 'dismissed' }),
      {},
      none,
      { kind: 'uninvite', email: SHARED, dismissed: true },
    ],
    [
      "the meeting's block was deleted by a person through another account: the invitee goes",
      privateInvited,
      entry('invite'),
      {},
      { ...none, meetingLetGo: () => 'dismissed' },
      { kind: 'uninvite', email: SHARED, dismissed: true },
    ],
    [
      'a block still there (its deletion failed after the invitation): the invitee goes first',
      privateInvited,
      block,
      {},
      none,
      { kind: 'uninvite', email: SHARED },
    ],
    [
      'a copy left with privateEvents skip: the invitee goes first, the copy next',
      privateInvited,
      block,
      { privateEvents: 'skip' },
      none,
      { kind: 'uninvite', email: SHARED },
    ],
    [
      'no copy: the block comes and the invitee goes in one action',
      privateInvited,
      entry('invite'),
      {},
      none,
      { kind: 'mirror', form: 'busy', uninvite: { email: SHARED, event: privateInvited } },
    ],
    [
      'a meeting handed to another organizer: not calsync’s to take off (a guest already)',
      { ...privateInvited, organizer: { email: 'carol@corp.example' } },
      entry('invite'),
      {},
      none,
      { kind: 'skip', reason: 'private event (privateEvents busy); the shared calendar is a guest already' },
    ],
  ])('%s', (_name, event, e, settings, elsewhere, expected) => {
    expect(plan(event, settings, e, elsewhere)).toMatchObject(expected);
  });
});

describe('a declined meeting is no busy time', () => {
  const declined: GoogleEvent = {
    ...other,
    visibility: 'private',
    attendees: [{ email: 'boss@corp.example' }, { email: CAL, self: true, responseStatus: 'declined' }],
  };
  it('declined, private: nothing is made', () => {
    expect(plan(declined)).toMatchObject({ kind: 'skip', reason: 'declined by the account' });
  });
  it('declined after its block was made: the block goes', () => {
    expect(plan({ ...declined, updated: LATER }, {}, mirrored('other1', 'busy'))).toMatchObject({
      kind: 'delete-copy',
      target: { calendarId: SHARED, eventId: mirrorId('other1') },
    });
  });
});
