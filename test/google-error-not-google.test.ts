/**
 * classifyGoogleError on answers that are not Google's (a proxy's page, a
 * wrong API root's 404, some other JSON): the real client library and the
 * plain listing, at the emulator. Only Google's error shape is read as
 * Google's answer; the rest says what came, and from where.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyGoogleError, failureLabel, isGoogleErrorBody } from '../src/google/google-error.js';
import { listEventsPlain } from '../src/google/plain-list.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
let t: TestEmulator;
let token: string;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE] });
  token = (await t.authFor(ALICE).getAccessToken()).token ?? '';
});
afterAll(async () => t.close());
beforeEach(() => t.emu.clearFaults());

const params = { calendarId: ALICE, syncToken: 'SECRET-SYNC-TOKEN' };

/** The error each way of listing threw: the client library's, then the plain request's. */
async function bothFailures(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const call of [
    () => t.calendarFor(ALICE).events.list(params),
    () => listEventsPlain(`${t.emu.url}/`, token, params, 5000),
  ])
    out.push(
      await call().then(
        () => new Error('the call did not fail'),
        (err: unknown) => err,
      ),
    );
  return out;
}

describe('classifyGoogleError: answers that are not Google’s', () => {
  it('a 404 HTML page is no "not found": no status, reason notGoogle, permanent, and the message names what came from where', async () => {
    t.emu.injectFaults({ pathIncludes: '/events', status: 404, rawBody: '<html>Not Found</html>' });
    for (const err of await bothFailures()) {
      const info = classifyGoogleError(err);
      expect(info).toMatchObject({ status: undefined, reason: 'notGoogle', kind: 'permanent' });
      expect(info.message).toBe(
        `an answer that is not Google's: HTTP 404 (text/html) from ${t.emu.url}/calendar/v3/calendars/alice%40example.com/events`,
      );
      expect(info.message).not.toContain('SECRET');
      expect(failureLabel(info)).toBe('notGoogle');
    }
  });

  it('other JSON is not Google’s either; a proxy’s 502 page is still retried', async () => {
    t.emu.injectFaults({ pathIncludes: '/events', status: 404, json: { message: 'no route' }, times: 2 });
    for (const err of await bothFailures())
      expect(classifyGoogleError(err)).toMatchObject({ status: undefined, reason: 'notGoogle' });
    t.emu.injectFaults({ pathIncludes: '/events', status: 502, rawBody: '<html>Bad Gateway</html>' });
    for (const err of await bothFailures())
      expect(classifyGoogleError(err)).toMatchObject({ status: undefined, kind: 'retryable' });
  });

  it("Google's own 404 keeps its reading", async () => {
    t.emu.injectFaults({ pathIncludes: '/events', status: 404, reason: 'notFound' });
    for (const err of await bothFailures())
      expect(classifyGoogleError(err)).toMatchObject({ status: 404, reason: 'notFound', kind: 'permanent' });
  });
});

describe('isGoogleErrorBody', () => {
  it("knows the Calendar API's shapes and the OAuth endpoints'", () => {
    expect(isGoogleErrorBody({ error: { code: 404, errors: [{ reason: 'notFound' }] } })).toBe(true);
    expect(isGoogleErrorBody({ error: { code: 401, message: 'x', status: 'UNAUTHENTICATED' } })).toBe(true);
    expect(isGoogleErrorBody({ error: 'invalid_grant', error_description: 'x' })).toBe(true);
    expect(isGoogleErrorBody({ error: { code: 404, message: 'Not Found' } })).toBe(false);
    expect(isGoogleErrorBody('<html>Not Found</html>')).toBe(false);
    expect(isGoogleErrorBody(undefined)).toBe(false);
  });
});
