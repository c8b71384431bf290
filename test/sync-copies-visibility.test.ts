/**
 * With privateEvents full, a mirror keeps its source's private (or
 * confidential) visibility, as Google's own invitation copy does: the shared
 * calendar's readers see it as busy. Back to public, the mirror is reset to
 * the calendar's default in the update itself. Birthday and Gmail copies stay
 * clean shareable copies (sharing them is what their rules are for).
 */
import { describe, expect, it } from 'vitest';
import { follow } from '../src/sync/conditional-update.js';
import { birthdayCopy, followPatch, gmailCopy, mirrorOf, occurrencePatch } from '../src/sync/copies.js';
import { copyEventId } from '../src/sync/ids.js';
import { planEvent } from '../src/sync/rules.js';
import type { ProcessedEvent } from '../src/state/types.js';
import type { Action, Elsewhere, GoogleEvent, RuleSettings } from '../src/sync/types.js';
import { ruleSettings } from './helpers/rule-settings.js';

const CAL = 'alice@example.com';
const SHARED = 'family@group.calendar.google.com';
const settings: RuleSettings = ruleSettings({ privateEvents: 'full', sourceName: 'Alice' });
const none: Elsewhere = {
  holdsMirror: () => false,
  attendsOccurrence: () => false,
  meetingLetGo: () => undefined,
};
const UPDATED = '2026-11-20T00:00:00.000Z';
const LATER = '2026-11-21T00:00:00.000Z';
const theirs = (extra: GoogleEvent = {}): GoogleEvent => ({
  id: 'm1',
  summary: 'Interview at Acme',
  description: 'salary talk',
  organizer: { email: 'carol@corp.example' },
  attendees: [{ email: 'carol@corp.example' }, { email: CAL, self: true, responseStatus: 'accepted' }],
  start: { dateTime: '2026-12-01T10:00:00Z' },
  end: { dateTime: '2026-12-01T11:00:00Z' },
  updated: UPDATED,
  ...extra,
});
const origin = { target: SHARED, sourceCalendarId: CAL };
const mirrorId = copyEventId(SHARED, CAL, 'm1', 'mirror');
const entry = (rule: ProcessedEvent['rule']): ProcessedEvent => ({
  action: 'mirror',
  at: 1_795_132_800,
  rule,
  sourceUpdated: Date.parse(UPDATED),
  copyCalendar: SHARED,
  copyId: mirrorId,
});

function plan(event: GoogleEvent, e?: ProcessedEvent): Action {
  return planEvent({ calendarId: CAL, event, entry: e, seriesMirrored: false, settings, elsewhere: none });
}

/** The body an action sends (an insert's, or the fields an update lays over the copy). */
function bodyOf(action: Action): GoogleEvent {
  if (!('body' in action) || !action.body) throw new Error(`no body in ${action.kind}`);
  return action.body;
}

describe('a full mirror keeps its source private', () => {
  it.each(['private', 'confidential'])('a %s meeting: its mirror is made %s', (visibility) => {
    const action = plan(theirs({ visibility }));
    expect(action).toMatchObject({ kind: 'mirror', target: { eventId: mirrorId } });
    expect(bodyOf(action).visibility).toBe(visibility);
  });

  it.each(['default', 'public', undefined])(
    'a meeting of visibility %s: its mirror takes the calendar default',
    (visibility) => {
      const body = bodyOf(plan(theirs(visibility ? { visibility } : {})));
      expect(body.visibility ?? 'default').toBe('default');
    },
  );

  it('a mirror whose meeting turns private follows it; back to public, the update resets it', () => {
    const toPrivate = plan(theirs({ visibility: 'private', updated: LATER }), entry('mirror'));
    expect(toPrivate).toMatchObject({ kind: 'update-copy', target: { eventId: mirrorId } });
    expect(bodyOf(toPrivate).visibility).toBe('private');
    const toPublic = plan(theirs({ visibility: 'public', updated: LATER }), entry('mirror'));
    expect(toPublic).toMatchObject({ kind: 'update-copy', target: { eventId: mirrorId } });
    // The update (a PUT of the copy as read, calsync's fields laid over it) must not keep "private".
    const current: GoogleEvent = {
      ...mirrorOf(origin, theirs({ visibility: 'private' }), mirrorId),
      etag: '"1"',
    };
    const sent = follow(bodyOf(toPublic))(current);
    expect(sent).toBeDefined();
    expect(sent?.visibility ?? 'default').toBe('default');
    expect(sent?.summary).toBe('Interview at Acme');
  });

  it('a busy block turning back into a mirror of a private meeting (calendarDetails full again) is private', () => {
    const action = plan(theirs({ visibility: 'private' }), entry('busy'));
    expect(action).toMatchObject({ kind: 'update-copy', form: 'full' });
    expect(bodyOf(action).visibility).toBe('private');
  });

  it('an unchanged public mirror costs no write: the reset finds nothing to change', () => {
    const current: GoogleEvent = {
      ...mirrorOf(origin, theirs(), mirrorId),
      status: 'confirmed',
      etag: '"1"',
    };
    expect(follow(followPatch('mirror', origin, theirs(), SHARED))(current)).toBeUndefined();
  });

  it('an occurrence of a mirrored series follows its own visibility, and is reset when it turns public', () => {
    const occurrence = (visibility: string): GoogleEvent =>
      theirs({ id: 'm1_20261201T100000Z', recurringEventId: 'm1', visibility });
    expect(occurrencePatch(occurrence('confidential')).visibility).toBe('confidential');
    const current: GoogleEvent = { ...occurrencePatch(occurrence('private')), etag: '"1"' };
    expect(follow(occurrencePatch(occurrence('public')))(current)?.visibility ?? 'default').toBe('default');
  });
});

describe('birthday and Gmail copies stay clean shareable copies', () => {
  const birthday: GoogleEvent = {
    id: 'b1',
    eventType: 'birthday',
    summary: 'Ann',
    visibility: 'private',
    start: { date: '2026-05-04' },
    end: { date: '2026-05-05' },
    recurrence: ['RRULE:FREQ=YEARLY'],
  };
  const gmail: GoogleEvent = { ...theirs({ id: 'g1', visibility: 'private' }), eventType: 'fromGmail' };
  it.each<[string, GoogleEvent]>([
    ['a birthday copy', birthdayCopy(origin, birthday, 'x', SHARED)],
    ['a Gmail copy', gmailCopy(origin, gmail, 'x', SHARED)],
    ['a birthday copy follow-up', followPatch('birthday', origin, birthday, SHARED)],
    ['a Gmail copy follow-up', followPatch('gmail', origin, gmail, SHARED)],
    ["a birthday occurrence's change", occurrencePatch({ ...birthday, recurringEventId: 'b0' })],
  ])('%s carries no visibility of its source', (_name, body) => {
    expect(body.visibility).toBeUndefined();
  });
});
