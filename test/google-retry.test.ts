import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { classifyGoogleError, parseRetryAfter } from '../src/google/google-error.js';
import { withRetry } from '../src/google/retry.js';
import { Pacer } from '../src/google/pacer.js';
import { HostOutage } from '../src/google/outage.js';
import { InterruptedError } from '../src/errors.js';
import { calendar } from '@googleapis/calendar';
import { calendarClientFor, oauthClientFor } from './helpers/emulator.js';

const ALICE = 'alice@example.test';
let emu: Emulator;
beforeEach(async () => {
  process.env.CALSYNC_RETRY_SCALE = '0.01';
  emu = await startEmulator({ quotaPerMinute: null });
  emu.addAccount(ALICE);
});
afterEach(async () => {
  delete process.env.CALSYNC_RETRY_SCALE;
  await emu.close();
});

const listOnce = () => calendarClientFor(emu, ALICE).events.list({ calendarId: ALICE });
const listCalls = () => emu.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/events')).length;

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('retries of Google calls (p-retry, client retries off)', () => {
  it('429 rateLimitExceeded with Retry-After is retried until it succeeds', async () => {
    emu.injectFaults({
      pathIncludes: '/events',
      status: 429,
      reason: 'rateLimitExceeded',
      retryAfterSeconds: 1,
      times: 2,
    });
    const res = await withRetry(listOnce, { label: 'list' });
    expect(res.status).toBe(200);
    expect(listCalls()).toBe(3);
  });

  it('403 userRateLimitExceeded is the same condition as 429 and is retried', async () => {
    emu.injectFaults({ pathIncludes: '/events', status: 403, reason: 'userRateLimitExceeded', times: 1 });
    await withRetry(listOnce, { label: 'list' });
    expect(listCalls()).toBe(2);
  });

  it('500 backendError, 503 and dropped connections are retried', async () => {
    emu.injectFaults(
      { pathIncludes: '/events', status: 500, reason: 'backendError', times: 1 },
      { pathIncludes: '/events', status: 503, times: 1 },
      { pathIncludes: '/events', drop: true, times: 1 },
    );
    const res = await withRetry(listOnce, { label: 'list' });
    expect(res.status).toBe(200);
    expect(listCalls()).toBeGreaterThanOrEqual(4);
  });

  it('400, 404 and 403 quotaExceeded fail at once without a retry', async () => {
    emu.injectFaults({ pathIncludes: '/events', status: 403, reason: 'quotaExceeded', times: 1 });
    const err = await caught(withRetry(listOnce, { label: 'list' }));
    expect(classifyGoogleError(err)).toMatchObject({
      status: 403,
      reason: 'quotaExceeded',
      kind: 'quota-exhausted',
    });
    expect(listCalls()).toBe(1);
    const notFound = await caught(
      withRetry(
        () => calendarClientFor(emu, ALICE).events.get({ calendarId: ALICE, eventId: 'nosuchevent' }),
        { label: 'get' },
      ),
    );
    expect(classifyGoogleError(notFound)).toMatchObject({ status: 404, kind: 'permanent' });
  });

  it("gives up after a bounded number of retries and surfaces Google's error", async () => {
    emu.injectFaults({ pathIncludes: '/events', status: 503, reason: 'backendError' });
    const err = await caught(withRetry(listOnce, { label: 'list', retries: 3 }));
    expect(classifyGoogleError(err)).toMatchObject({ status: 503, kind: 'retryable' });
    expect(listCalls()).toBe(4);
  });

  it('a 410 fullSyncRequired is classified as an expired sync token', async () => {
    const first = await calendarClientFor(emu, ALICE).events.list({ calendarId: ALICE });
    emu.invalidateSyncTokens();
    const err = await caught(
      calendarClientFor(emu, ALICE).events.list({
        calendarId: ALICE,
        syncToken: first.data.nextSyncToken ?? '',
      }),
    );
    expect(classifyGoogleError(err)).toMatchObject({
      status: 410,
      reason: 'fullSyncRequired',
      kind: 'sync-token-expired',
    });
  });

  it('Retry-After is read as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString(), Date.now())).toBeGreaterThan(3000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('a stop (SIGINT, SIGTERM) during a call', () => {
  const stopped = () => new InterruptedError('SIGTERM', 'poll stopped by SIGTERM');

  it('ends a wait between attempts at once (a real 60 s wait would outlast the test)', async () => {
    delete process.env.CALSYNC_RETRY_SCALE;
    emu.injectFaults({ pathIncludes: '/events', status: 503, reason: 'backendError' });
    const stop = new AbortController();
    const call = caught(withRetry(listOnce, { label: 'list', minTimeoutMs: 60_000, signal: stop.signal }));
    while (listCalls() === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    stop.abort(stopped());
    expect(await call).toBeInstanceOf(InterruptedError);
    expect(listCalls()).toBe(1);
  });

  it('ends a request that never answers through its signal, with the stop as the error, and no outage', async () => {
    emu.injectFaults({ pathIncludes: '/events', hang: true });
    const stop = new AbortController();
    const outage = new HostOutage();
    const client = calendar({
      version: 'v3',
      auth: oauthClientFor(emu, ALICE),
      rootUrl: `${emu.url}/`,
      retry: false,
      signal: stop.signal,
    });
    const call = caught(
      withRetry(() => client.events.list({ calendarId: ALICE }), {
        label: 'list',
        signal: stop.signal,
        outage,
      }),
    );
    while (listCalls() === 0) await new Promise((r) => setTimeout(r, 5));
    stop.abort(stopped());
    expect(await call).toBeInstanceOf(InterruptedError);
    expect(listCalls()).toBe(1);
    expect(outage.refusal([new URL(emu.url).host])).toBeUndefined();
  });

  it('keeps the answer of an attempt in flight that comes after the stop (a write Google made is recorded)', async () => {
    await listOnce(); // the token first
    emu.injectFaults({ pathIncludes: '/events', latencyMs: 300, times: 1 });
    const stop = new AbortController();
    const call = withRetry(listOnce, { label: 'list', signal: stop.signal });
    while (listCalls() < 2) await new Promise((r) => setTimeout(r, 5));
    stop.abort(stopped());
    expect((await call).status).toBe(200);
  });
});

describe('pacing under the per-user quota', () => {
  it('requests start no closer than 1/rate apart, with bounded concurrency', async () => {
    const pacer = new Pacer(50, 2);
    const starts: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        pacer.run(async () => {
          await pacer.tick();
          starts.push(performance.now());
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 5));
          inFlight--;
        }),
      ),
    );
    // Lower bounds only: a busy machine can only make the gaps longer.
    expect(starts[9]! - starts[0]!).toBeGreaterThanOrEqual(9 * 20 - 5);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  it('with a burst, that many units go at once after a quiet spell, then the rate again', () => {
    let clock = 1_000_000;
    const pacer = new Pacer(10, 8, () => clock, 3);
    // The clock stands still: the first and a burst of 3 wait for nothing, then 100 ms a unit.
    expect(Array.from({ length: 6 }, () => pacer.reserve())).toEqual([0, 0, 0, 0, 100, 200]);
    // After a quiet spell the burst is there again (the schedule ran 600 ms ahead: 1.3 s later it is behind).
    clock += 1300;
    expect(Array.from({ length: 5 }, () => pacer.reserve())).toEqual([0, 0, 0, 0, 100]);
  });

  it('a back-off (Retry-After) delays every later request by all of it, burst or not', () => {
    const clock = 5_000;
    const pacer = new Pacer(10, 8, () => clock, 3);
    expect(pacer.reserve()).toBe(0);
    pacer.backOff(1000);
    expect(Array.from({ length: 3 }, () => pacer.reserve())).toEqual([1000, 1100, 1200]);
  });

  it('a request that never reached Google gives its units back: the next one takes its slot', () => {
    const clock = 0;
    const pacer = new Pacer(10, 8, () => clock);
    expect([pacer.reserve(), pacer.reserve(3)]).toEqual([0, 100]);
    // The 3-unit request was refused before Google saw it: its 300 ms are free again.
    pacer.refund(3);
    expect(pacer.reserve()).toBe(100);
  });

  it('a burst never lets a minute hold more than rate x 60 + burst + 1 units', () => {
    let clock = 0;
    const pacer = new Pacer(9.5, 8, () => clock, 5);
    const starts: number[] = [];
    // Requests as fast as the pacer lets them go: each starts when its wait is over.
    for (let i = 0; i < 1200; i++) {
      clock += pacer.reserve();
      starts.push(clock);
    }
    for (const from of [0, 10_000, 33_333]) {
      const inMinute = starts.filter((t) => t >= from && t < from + 60_000).length;
      expect(inMinute, `minute from ${from} ms`).toBeLessThanOrEqual(Math.floor(9.5 * 60) + 5 + 1);
      expect(inMinute).toBeGreaterThanOrEqual(Math.floor(9.5 * 60) - 1);
    }
  });
});
