/**
 * The plain events.list (google/plain-list.ts) against the real Google client,
 * both at the emulator: the same request, the same answer, and errors that
 * calsync classifies the same way. The idle poll lists with it, so it must be
 * indistinguishable from the library wherever calsync looks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { classifyGoogleError } from '../src/google/google-error.js';
import { listEventsPlain, type ListParams } from '../src/google/plain-list.js';
import { retryCause } from '../src/google/retry-cause.js';
import { checkEventsPage } from '../src/sync/validate.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';
import { at } from './helpers/world.js';

const ALICE = 'alice@example.com';
const FAMILY = 'family+home@group.calendar.google.com';

let t: TestEmulator;
let token: string;

beforeAll(async () => {
  t = await startTestEmulator({
    accounts: [ALICE],
    sharedCalendar: { id: FAMILY, owner: ALICE, summary: 'Family' },
  });
  const got = await t.authFor(ALICE).getAccessToken();
  token = got.token ?? '';
  t.emu.seedEvent(ALICE, samples.meeting({ summary: 'Plan', start: at(2, 9), end: at(2, 10) }));
});
afterAll(async () => t.close());
beforeEach(() => t.emu.clearFaults());

const params = (over: Partial<ListParams> = {}): ListParams => ({
  calendarId: ALICE,
  singleEvents: false,
  showDeleted: true,
  maxResults: 2500,
  ...over,
});

/** The error a call threw (both must throw). */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('the call did not fail');
}

/** The path and query the emulator received for the last request. */
function lastRequest(): { path: string; query: unknown } {
  const r = t.emu.requests.at(-1);
  return { path: r?.path ?? '', query: r?.query };
}

describe('plain events.list, side by side with the real client', () => {
  it('sends the same request, for a calendar id that needs escaping and with every parameter', async () => {
    const p = params({ calendarId: FAMILY, timeMin: '2026-01-01T00:00:00.000Z', pageToken: undefined });
    await t.calendarFor(ALICE).events.list(p);
    const viaClient = lastRequest();
    await listEventsPlain(`${t.emu.url}/`, token, p, 5000);
    expect(lastRequest()).toEqual(viaClient);
    expect(viaClient.path).toBe(`/calendar/v3/calendars/${FAMILY}/events`);
  });

  it('drops any path of the API root, as the client does', async () => {
    await listEventsPlain(`${t.emu.url}/some/prefix/`, token, params(), 5000);
    expect(lastRequest().path).toBe(`/calendar/v3/calendars/${ALICE}/events`);
  });

  it("gives the same answer: status, data, and the Date header Google's clock is read from", async () => {
    const viaClient = await t.calendarFor(ALICE).events.list(params());
    const plain = await listEventsPlain(`${t.emu.url}/`, token, params(), 5000);
    expect(plain.status).toBe(viaClient.status);
    // The listing's own stamps differ from one request to the next; the events do not.
    const strip = (d: unknown) => ({ ...(d as object), nextSyncToken: 'x', etag: 'x', updated: 'x' });
    expect(strip(plain.data)).toEqual(strip(viaClient.data));
    expect(typeof plain.headers.date).toBe('string');
    expect(checkEventsPage(ALICE, plain).items.map((e) => e.summary)).toEqual(['Plan']);
  });

  it('a 200 that is not JSON comes back as text, which the page check refuses', async () => {
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', rawBody: '<html>Wi-Fi</html>', times: 1 });
    const plain = await listEventsPlain(`${t.emu.url}/`, token, params(), 5000);
    expect(plain.data).toBe('<html>Wi-Fi</html>');
    expect(() => checkEventsPage(ALICE, plain)).toThrow(/is not JSON/);
  });

  const faults = [
    {
      name: '429 with Retry-After',
      rule: { status: 429, reason: 'rateLimitExceeded', retryAfterSeconds: 7 },
    },
    { name: '403 userRateLimitExceeded', rule: { status: 403, reason: 'userRateLimitExceeded' } },
    { name: '403 quotaExceeded', rule: { status: 403, reason: 'quotaExceeded' } },
    { name: '410 fullSyncRequired', rule: { status: 410, reason: 'fullSyncRequired' } },
    { name: '404 notFound', rule: { status: 404, reason: 'notFound' } },
    { name: '503 backendError', rule: { status: 503, reason: 'backendError' } },
  ];
  it.each(faults)('$name: classified as the client error is', async ({ rule }) => {
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', times: 2, ...rule });
    const viaClient = classifyGoogleError(await failure(() => t.calendarFor(ALICE).events.list(params())));
    const plainError = await failure(() => listEventsPlain(`${t.emu.url}/`, token, params(), 5000));
    const plain = classifyGoogleError(plainError);
    expect(plain).toEqual(viaClient);
    expect(plain.status).toBe(rule.status);
    expect(retryCause(plainError, plain)).toContain(`${rule.status} ${rule.reason}`);
  });

  it('a 401 for a refused token is a 401 (the caller hands over to the client, which refreshes)', async () => {
    const err = await failure(() => listEventsPlain(`${t.emu.url}/`, 'ya29.not-a-token', params(), 5000));
    expect(classifyGoogleError(err).status).toBe(401);
  });

  it('a dropped connection and a time-out are retryable network errors that name the host', async () => {
    const host = new URL(t.emu.url).host;
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', drop: true, times: 1 });
    const dropped = await failure(() => listEventsPlain(`${t.emu.url}/`, token, params(), 5000));
    expect(classifyGoogleError(dropped).kind).toBe('retryable');
    expect(retryCause(dropped, classifyGoogleError(dropped))).toContain(host);

    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', latencyMs: 1000, times: 1 });
    const slow = classifyGoogleError(
      await failure(() => listEventsPlain(`${t.emu.url}/`, token, params(), 100)),
    );
    expect(slow.kind).toBe('retryable');
    expect(slow.message).toBe(`no answer from ${host} within 0.1 s (request time-out)`);
  });

  it('a stop ends a listing that never answers at once, and one asked after the stop is never sent', async () => {
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', hang: true, times: 1 });
    const stop = new AbortController();
    const mark = t.emu.requests.length;
    const listing = failure(() => listEventsPlain(`${t.emu.url}/`, token, params(), 60_000, stop.signal));
    while (t.emu.requests.length === mark) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    const err = await listing;
    expect((err as Error).name).toBe('AbortError');
    const after = t.emu.requests.length;
    await failure(() => listEventsPlain(`${t.emu.url}/`, token, params(), 60_000, stop.signal));
    expect(t.emu.requests.length).toBe(after);
  });

  it('a connection cut in the middle of the body is a retryable network error, not a short answer', async () => {
    // Headers and half a body, then the socket closes: a proxy or a link going down.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"kind":"calendar#events","items":[');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const err = await failure(() => listEventsPlain(root, token, params(), 5000));
      expect(classifyGoogleError(err).kind).toBe('retryable');
    } finally {
      server.close();
    }
  });
});
