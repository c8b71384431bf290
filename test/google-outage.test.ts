import { describe, expect, it } from 'vitest';
import { GoogleUnreachableError } from '../src/errors.js';
import { classifyGoogleError } from '../src/google/google-error.js';
import { HostOutage, MIN_STREAK_MS, UNREACHABLE_AFTER, unreachedReason } from '../src/google/outage.js';

const URL_A = 'https://www.googleapis.com/calendar/v3/calendars/a/events?syncToken=SECRET';
const refused = () =>
  Object.assign(new Error('request failed'), {
    config: { url: URL_A },
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
const timedOut = () =>
  Object.assign(new Error('The operation was aborted.'), {
    name: 'AbortError',
    config: { url: URL_A, timeout: 20_000 },
  });
const answered = (status: number) =>
  Object.assign(new Error(`HTTP ${status}`), { config: { url: URL_A }, response: { status } });
const reset = () =>
  Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', config: { url: URL_A } });

describe('unreachedReason: which failures mean nothing answered', () => {
  it('refused, not found and time-outs; never an answer or a cut connection', () => {
    expect(unreachedReason(refused())).toBe('ECONNREFUSED');
    expect(unreachedReason(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('ENOTFOUND');
    expect(unreachedReason(timedOut())).toBe('no answer within 20 s');
    expect(unreachedReason(answered(503))).toBeUndefined();
    expect(unreachedReason(reset())).toBeUndefined();
  });
});

describe('HostOutage', () => {
  it(`a host is down after ${UNREACHABLE_AFTER} failures in a row spread over ${MIN_STREAK_MS} ms, and says so without the URL`, () => {
    let now = 0;
    const outage = new HostOutage(() => now);
    for (let i = 1; i < UNREACHABLE_AFTER; i++) expect(outage.noteFailure(refused(), now)).toBeUndefined();
    // Enough failures at one instant are not yet an outage: a short hiccup can fail several at once.
    expect(outage.noteFailure(refused(), now)).toBeUndefined();
    now = MIN_STREAK_MS;
    const down = outage.noteFailure(refused(), now);
    expect(down).toBeInstanceOf(GoogleUnreachableError);
    expect(down?.message).toBe('Google unreachable: www.googleapis.com: ECONNREFUSED');
    expect(outage.refusal(['oauth2.googleapis.com', 'www.googleapis.com'])).toBe(down);
    expect(outage.refusal(['oauth2.googleapis.com'])).toBeUndefined();
    expect(outage.downHosts).toEqual(['www.googleapis.com']);
    // A refused call is not retried: it was never sent.
    expect(classifyGoogleError(down).kind).toBe('permanent');
  });

  it('time-outs count from the sending of the first one, and two whole time-outs are enough', () => {
    const now = 20_000;
    const outage = new HostOutage(() => now);
    // One time-out alone may be one forgotten connection: the retry goes on.
    expect(outage.noteFailure(timedOut(), 0)).toBeUndefined();
    // Two, side by side (a calendar's listing and the shared calendar's): 20 s of silence twice.
    expect(outage.noteFailure(timedOut(), 0)?.message).toBe(
      'Google unreachable: www.googleapis.com: no answer within 20 s',
    );
  });

  it('a time-out and a refusal make the host down too; a time-out then an answer does not', () => {
    let now = 20_000;
    const outage = new HostOutage(() => now);
    expect(outage.noteFailure(timedOut(), 0)).toBeUndefined();
    outage.noteAnswer();
    // Sent after the answer: a new streak, which one time-out alone does not make.
    now = 40_000;
    expect(outage.noteFailure(timedOut(), 20_001)).toBeUndefined();
    expect(outage.noteFailure(refused(), 20_001)).toBeInstanceOf(GoogleUnreachableError);
  });

  it('a failure of a request sent before an answer came is not counted: the host answered meanwhile', () => {
    let now = 0;
    const outage = new HostOutage(() => now);
    // Two listings sent at 0 hang; a third request, sent beside them, is answered at 100 ms.
    now = 100;
    outage.noteAnswer();
    // Their time-outs end after it: two whole time-outs would be enough otherwise.
    now = 20_000;
    expect(outage.noteFailure(timedOut(), 0)).toBeUndefined();
    expect(outage.noteFailure(timedOut(), 0)).toBeUndefined();
    expect(outage.downHosts).toEqual([]);
    // Requests sent after the answer count again: a host that then goes silent is still found down.
    now = 40_000;
    expect(outage.noteFailure(timedOut(), 20_001)).toBeUndefined();
    expect(outage.noteFailure(timedOut(), 20_001)?.message).toBe(
      'Google unreachable: www.googleapis.com: no answer within 20 s',
    );
  });

  it('an error answer from the host counts as its answer for the requests sent before it', () => {
    let now = 0;
    const outage = new HostOutage(() => now);
    now = 500;
    expect(outage.noteFailure(answered(503), 400)).toBeUndefined();
    now = 20_000;
    for (let i = 0; i < UNREACHABLE_AFTER; i++) expect(outage.noteFailure(timedOut(), 0)).toBeUndefined();
    expect(outage.downHosts).toEqual([]);
    // The same failures, sent after the 503 came, make the host down.
    now = 40_000;
    expect(outage.noteFailure(timedOut(), 501)).toBeUndefined();
    expect(outage.noteFailure(timedOut(), 501)).toBeInstanceOf(GoogleUnreachableError);
  });

  it('any answer in between starts the count over: the host is up, the ordinary retries deal with it', () => {
    let now = 0;
    const outage = new HostOutage(() => now);
    for (const err of [refused(), refused(), answered(500), refused(), reset(), refused(), refused()]) {
      now += MIN_STREAK_MS;
      expect(outage.noteFailure(err, now - 1)).toBeUndefined();
    }
    outage.noteAnswer();
    now += MIN_STREAK_MS;
    expect(outage.noteFailure(refused(), now)).toBeUndefined();
    expect(outage.refusal(['www.googleapis.com'])).toBeUndefined();
  });
});

describe('HostOutage.giveUp: a call that spent every retry', () => {
  it('without reaching its host makes the host down at once, however short the streak; never for an answer or a cut connection', () => {
    const outage = new HostOutage(() => 0);
    expect(outage.giveUp(answered(503))).toBeUndefined();
    expect(outage.giveUp(reset())).toBeUndefined();
    expect(outage.downHosts).toEqual([]);
    const down = outage.giveUp(refused());
    expect(down).toBeInstanceOf(GoogleUnreachableError);
    expect(down?.message).not.toContain('SECRET');
    expect(outage.downHosts).toEqual(['www.googleapis.com']);
    // The next call is refused before it is sent, with the same error.
    expect(outage.refusal(['www.googleapis.com'])).toBe(down);
    expect(outage.giveUp(timedOut())).toBe(down);
  });
});
