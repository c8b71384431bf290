import { calendar } from '@googleapis/calendar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserQuota } from '../src/emulator/faults.js';
import { googleError, oauthClientFor, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE, BOB] });
});
afterAll(async () => t.close());
beforeEach(() => {
  t.emu.clearFaults();
  t.emu.setQuota(600);
  t.emu.clearRequestLog();
});

describe('scripted faults', () => {
  it('answers 429 rateLimitExceeded with Retry-After, then recovers after `times`', async () => {
    t.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
    });
    const cal = t.calendarFor(ALICE);
    const e = await googleError(() => cal.events.list({ calendarId: ALICE }));
    expect(e.status).toBe(429);
    expect(e.headers['retry-after']).toBe('7');
    expect(e.body).toEqual({
      error: {
        code: 429,
        message: 'Rate Limit Exceeded',
        errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
      },
    });
    expect((await cal.events.list({ calendarId: ALICE })).status).toBe(200);
  });

  it("sends Google's bodies for backendError, 503 and quotaExceeded", async () => {
    const cal = t.calendarFor(ALICE);
    await cal.calendarList.list(); // the token is fetched before the rules apply
    t.emu.injectFaults(
      { status: 500, times: 1 },
      { status: 503, times: 1 },
      { status: 403, reason: 'quotaExceeded', times: 1 },
    );
    const a = await googleError(() => cal.calendarList.list());
    expect([a.status, a.reason, a.message]).toEqual([500, 'backendError', 'Backend Error']);
    const b = await googleError(() => cal.calendarList.list());
    expect([b.status, b.reason]).toEqual([503, 'backendError']);
    const c = await googleError(() => cal.calendarList.list());
    expect(c.body).toEqual({
      error: {
        code: 403,
        message: 'Calendar usage limits exceeded.',
        errors: [
          { domain: 'usageLimits', reason: 'quotaExceeded', message: 'Calendar usage limits exceeded.' },
        ],
      },
    });
  });

  it('matches on method, path and account', async () => {
    t.emu.injectFaults({
      method: 'POST',
      pathIncludes: '/events',
      account: BOB,
      status: 403,
      reason: 'rateLimitExceeded',
    });
    const asAlice = await t.calendarFor(ALICE).events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'a', start: { date: '2026-01-01' }, end: { date: '2026-01-02' } },
    });
    expect(asAlice.status).toBe(200);
    const asBobRead = await t.calendarFor(BOB).events.list({ calendarId: BOB });
    expect(asBobRead.status).toBe(200);
    const asBob = await googleError(() =>
      t.calendarFor(BOB).events.insert({
        calendarId: BOB,
        requestBody: { summary: 'b', start: { date: '2026-01-01' }, end: { date: '2026-01-02' } },
      }),
    );
    expect([asBob.status, asBob.reason]).toEqual([403, 'rateLimitExceeded']);
  });

  it('drops the connection when asked', async () => {
    t.emu.injectFaults({ pathIncludes: 'calendarList', drop: true, times: 1 });
    const e = await googleError(() => t.calendarFor(ALICE).calendarList.list());
    expect(e.status).toBeUndefined();
    expect(t.emu.requests.find((r) => r.path.endsWith('calendarList'))?.status).toBe(0);
  });

  it('hangs when asked: no answer and nothing done, until the client gives up', async () => {
    const cal = t.calendarFor(ALICE);
    await cal.calendarList.list(); // token fetched before the rule applies
    t.emu.injectFaults({ method: 'POST', pathIncludes: '/events', hang: true, times: 1 });
    const controller = new AbortController();
    const insert = cal.events.insert(
      {
        calendarId: ALICE,
        requestBody: {
          summary: 'never answered',
          start: { dateTime: '2026-12-02T10:00:00Z' },
          end: { dateTime: '2026-12-02T11:00:00Z' },
        },
      },
      { signal: controller.signal },
    );
    const outcome = insert.then(
      () => 'answered',
      () => 'aborted',
    );
    while (!t.emu.requests.some((r) => r.method === 'POST' && r.path.endsWith('/events')))
      await new Promise((r) => setTimeout(r, 5));
    // Well past what the emulator takes to answer: still nothing.
    const early = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('pending'), 300))]);
    expect(early).toBe('pending');
    controller.abort();
    expect(await outcome).toBe('aborted');
    expect(t.emu.listEvents(ALICE).some((e) => e.summary === 'never answered')).toBe(false);
    expect(t.emu.requests.find((r) => r.method === 'POST' && r.path.endsWith('/events'))?.status).toBe(0);
  });

  it('delays an answer by latencyMs and then answers normally', async () => {
    const cal = t.calendarFor(ALICE);
    await cal.calendarList.list(); // token fetched outside the measurement
    t.emu.injectFaults({ pathIncludes: 'calendarList', latencyMs: 300, times: 1 });
    const started = Date.now();
    const { status } = await cal.calendarList.list();
    expect(status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('answerAfterMs carries a write out at once and holds only its answer (the write is visible before the client hears back)', async () => {
    const cal = t.calendarFor(ALICE);
    await cal.calendarList.list();
    t.emu.injectFaults({ method: 'POST', pathIncludes: '/events', answerAfterMs: 400, times: 1 });
    let answered = false;
    const insert = cal.events
      .insert({
        calendarId: ALICE,
        requestBody: {
          summary: 'slow answer',
          start: { dateTime: '2026-12-02T10:00:00Z' },
          end: { dateTime: '2026-12-02T11:00:00Z' },
        },
      })
      .then((r) => {
        answered = true;
        return r;
      });
    while (!t.emu.listEvents(ALICE).some((e) => e.summary === 'slow answer'))
      await new Promise((r) => setTimeout(r, 5));
    expect(answered).toBe(false);
    const res = await insert;
    expect(res.status).toBe(200);
    expect(res.data.summary).toBe('slow answer');
  });

  it('applies a probability: 0 never fires', async () => {
    t.emu.injectFaults({ status: 500, probability: 0 });
    expect((await t.calendarFor(ALICE).calendarList.list()).status).toBe(200);
  });

  it('the client library with its own retries on sees through a transient 503 on GET', async () => {
    t.emu.injectFaults({ method: 'GET', pathIncludes: 'calendarList', status: 503, times: 1 });
    const { status } = await t.calendarFor(ALICE, { retry: true }).calendarList.list();
    expect(status).toBe(200);
    expect(t.emu.requests.filter((r) => r.path.endsWith('calendarList')).map((r) => r.status)).toEqual([
      503, 200,
    ]);
  });
});

describe('faults on the token endpoint', () => {
  it('answer in the OAuth shape, for the account whose refresh token was sent', async () => {
    t.emu.injectFaults({
      pathIncludes: '/token',
      account: BOB,
      status: 400,
      reason: 'invalid_grant',
      times: 1,
    });
    expect((await oauthClientFor(t.emu, ALICE).getAccessToken()).token).toBeTruthy();
    const e = await googleError(() => oauthClientFor(t.emu, BOB).getAccessToken());
    expect(e.status).toBe(400);
    expect((e.body as { error?: string }).error).toBe('invalid_grant');
    expect((await oauthClientFor(t.emu, BOB).getAccessToken()).token).toBeTruthy();
  });
});

describe('per-user quota', () => {
  it('counts requests in a sliding one-minute window', () => {
    const quota = new UserQuota(2);
    expect(quota.take('a', 0)).toBe(true);
    expect(quota.take('a', 30_000)).toBe(true);
    expect(quota.take('a', 59_999)).toBe(false);
    expect(quota.take('a', 60_001)).toBe(true);
    expect(quota.take('a', 60_002)).toBe(false);
    expect(quota.take('a', 90_001)).toBe(true);
  });

  it('answers 403 userRateLimitExceeded beyond the per-minute limit, per account', async () => {
    t.emu.setQuota(3);
    const alice = t.calendarFor(ALICE);
    for (let i = 0; i < 3; i += 1) expect((await alice.calendarList.list()).status).toBe(200);
    const e = await googleError(() => alice.calendarList.list());
    expect(e.body).toEqual({
      error: {
        code: 403,
        message: 'User Rate Limit Exceeded',
        errors: [
          { domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded' },
        ],
      },
    });
    expect((await t.calendarFor(BOB).calendarList.list()).status).toBe(200);
    t.emu.setQuota(null);
    expect((await alice.calendarList.list()).status).toBe(200);
  });
});

describe('an access token revoked mid-session', () => {
  // Google answers 401 authError "Invalid Credentials" to an access token it no longer accepts
  // (https://developers.google.com/workspace/calendar/api/guides/errors#401_invalid_credentials:
  // "Invalid authorization header. The access token you're using is either expired or invalid"),
  // while the refresh token still works: "refresh the access token using the long-lived refresh token".
  it('answers 401 Invalid Credentials to the old token; the refresh token still gives a working one', async () => {
    const authClient = t.authFor(ALICE);
    const cal = calendar({ version: 'v3', auth: authClient, rootUrl: `${t.emu.url}/`, retry: false });
    await cal.calendarList.list(); // a token is fetched and works
    t.emu.injectFaults({ pathIncludes: '/events', revokeAccessToken: true, times: 1 });
    const e = await googleError(() => cal.events.list({ calendarId: ALICE }));
    expect(e.status).toBe(401);
    expect(e.body).toMatchObject({ error: { code: 401, message: 'Invalid Credentials' } });
    // The old token stays refused; the client keeps it, as it trusts its expiry.
    expect((await googleError(() => cal.calendarList.list())).status).toBe(401);
    authClient.setCredentials({ refresh_token: authClient.credentials.refresh_token });
    expect((await cal.events.list({ calendarId: ALICE })).status).toBe(200);
  });

  it('puts the message a test gives into the error body, as Google quotes request data there', async () => {
    const cal = t.calendarFor(ALICE);
    t.emu.injectFaults({
      pathIncludes: '/events',
      status: 400,
      reason: 'invalid',
      message: 'Invalid value: x\u001b]0;y',
    });
    const e = await googleError(() => cal.events.list({ calendarId: ALICE }));
    expect(e.body).toMatchObject({ error: { code: 400, message: 'Invalid value: x\u001b]0;y' } });
  });
});

describe('request log', () => {
  it('records method, path, query, account, status and body of every request', async () => {
    const cal = t.calendarFor(ALICE);
    await cal.events.insert({
      calendarId: ALICE,
      sendUpdates: 'none',
      requestBody: { summary: 'logged', start: { date: '2026-02-01' }, end: { date: '2026-02-02' } },
    });
    const token = t.emu.requests.find((r) => r.path === '/token');
    expect(token?.method).toBe('POST');
    expect(token?.status).toBe(200);
    expect(token?.account).toBe(ALICE);
    const insert = t.emu.requests.find(
      (r) => r.method === 'POST' && r.path === `/calendar/v3/calendars/${ALICE}/events`,
    );
    expect(insert).toMatchObject({
      account: ALICE,
      status: 200,
      query: { sendUpdates: 'none' },
      body: { summary: 'logged' },
    });
    expect(typeof insert?.at).toBe('number');
    t.emu.clearRequestLog();
    expect(t.emu.requests).toHaveLength(0);
  });
});
