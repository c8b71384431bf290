import { describe, expect, it } from 'vitest';
import { BrokenAnswerError } from '../src/errors.js';
import { GoogleClock } from '../src/sync/google-clock.js';
import { checkAnswer, checkEventsPage, eventProblem, preview } from '../src/sync/validate.js';

describe('the shape of a listing page', () => {
  const broken: [string, unknown, RegExp][] = [
    ['an HTML page', '<html>portal</html>', /is not JSON .*"<html>portal<\/html>"/],
    ['a list', [], /is a list, not a JSON object/],
    ['null', null, /is null, not a JSON object/],
    ['items that are no list', { items: { a: 1 }, nextSyncToken: 's' }, /"items" is object, not a list/],
    ['a numeric page token', { items: [], nextPageToken: 7 }, /page or sync token is not a string/],
    ['an empty sync token', { items: [], nextSyncToken: '' }, /page or sync token is not a string/],
    ['neither token', { items: [] }, /neither a nextPageToken nor a nextSyncToken/],
  ];
  for (const [name, data, message] of broken)
    it(`refuses ${name}, naming the calendar`, () => {
      const run = () => checkEventsPage('a@x.test', { status: 200, data });
      expect(run).toThrow(BrokenAnswerError);
      expect(run).toThrow(message);
      expect(run).toThrow(/the listing of a@x\.test/);
    });

  it('keeps good items and skips malformed ones with their place and reason', () => {
    const page = checkEventsPage(
      'a@x.test',
      {
        status: 200,
        data: {
          items: [{ id: 'ok' }, null, { id: '' }, { id: 'x', attendees: 'me' }, 5],
          nextSyncToken: 's',
        },
      },
      10,
    );
    expect(page.items).toEqual([{ id: 'ok' }]);
    expect(page.malformed).toEqual([
      { index: 11, reason: 'the item is null, not an event' },
      { index: 12, reason: 'the event has no id' },
      { index: 13, id: 'x', reason: "the event's attendees has the wrong type" },
      { index: 14, reason: 'the item is number, not an event' },
    ]);
    expect(page.nextSyncToken).toBe('s');
  });
});

describe('the shape of other answers', () => {
  it('refuses an event answer that is not JSON or not an event, and lets a delete (no body) through', () => {
    expect(() => checkAnswer('events.get', { status: 200, data: '<html>' })).toThrow(/not JSON/);
    expect(() => checkAnswer('events.insert', { status: 200, data: { kind: 'x' } })).toThrow(/has no id/);
    expect(checkAnswer('events.delete', { status: 204, data: '' })).toEqual({ status: 204, data: '' });
    expect(eventProblem({ id: 'a', extendedProperties: { private: 'x' } })).toMatch(/extendedProperties/);
  });

  it('previews a hostile body without control or bidi characters', () => {
    expect(preview('\u001b]0;owned\u0007\u202eabc')).toBe('"\\x1b]0;owned\\x07\\u202eabc"');
    expect(preview('x'.repeat(50), 5)).toBe('"xxxxx…"');
  });
});

describe("Google's clock", () => {
  const at = (iso: string) => () => Date.parse(iso);
  it('trusts the local clock within 5 minutes, and Google beyond', () => {
    const near = new GoogleClock(at('2026-12-03T10:02:00Z'));
    expect(near.learn(new Headers({ date: 'Thu, 03 Dec 2026 10:00:00 GMT' }))).toBe(true);
    expect(near.skewed()).toBe(false);
    expect(near.now()).toBe(Date.parse('2026-12-03T10:02:00Z'));
    expect(near.problem()).toBeUndefined();
    const far = new GoogleClock(at('2027-12-03T10:00:00Z'));
    far.learn({ date: 'Thu, 03 Dec 2026 10:00:00 GMT' });
    expect(far.skewed()).toBe(true);
    expect(Math.abs(far.now() - Date.parse('2026-12-03T10:00:00Z'))).toBeLessThan(1000);
    expect(far.problem()).toMatch(/local clock is 365 d ahead of Google's/);
  });

  it('learns nothing from an answer without a readable Date', () => {
    const clock = new GoogleClock();
    expect(clock.learn({})).toBe(false);
    expect(clock.learn(new Headers({ date: 'soon' }))).toBe(false);
    expect(clock.known()).toBe(false);
  });
});
