/**
 * Conformance of the emulator's broken answers and its clock, through the
 * real Google client: what calsync must survive (issue 16).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE] });
});
afterAll(async () => t.close());
beforeEach(() => {
  t.emu.clearFaults();
  t.emu.setClockSkew(0);
});

describe('broken answers', () => {
  // A captive portal or a proxy answers 200 with its own HTML page. gaxios
  // (responseType json) hands back the body TEXT as `data` when JSON.parse
  // fails, with no error: a client that reads `data.items` sees nothing.
  it('answers a listing with a 200 HTML page, which the client hands back as a string', async () => {
    t.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      rawBody: '<html>Sign in to Wi-Fi</html>',
      times: 1,
    });
    const res = await t.calendarFor(ALICE).events.list({ calendarId: ALICE });
    expect(res.status).toBe(200);
    expect(res.data).toBe('<html>Sign in to Wi-Fi</html>');
  });

  it('answers a cut-off JSON body, which the client hands back as a string', async () => {
    t.emu.injectFaults({
      method: 'GET',
      pathIncludes: '/events',
      rawBody: '{"kind":"calendar#events","items":[{"id":"a"',
      contentType: 'application/json; charset=UTF-8',
      times: 1,
    });
    const res = await t.calendarFor(ALICE).events.list({ calendarId: ALICE });
    expect(typeof res.data).toBe('string');
  });

  it('answers a listing of the wrong shape as scripted', async () => {
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', json: { items: 'nope' }, times: 1 });
    const res = await t.calendarFor(ALICE).events.list({ calendarId: ALICE });
    expect(res.data).toEqual({ items: 'nope' });
  });

  it('answers listings whose nextPageToken never ends, repeated or fresh', async () => {
    const cal = t.calendarFor(ALICE);
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', endlessPages: 'repeat', times: 2 });
    const a = await cal.events.list({ calendarId: ALICE });
    const b = await cal.events.list({ calendarId: ALICE, pageToken: a.data.nextPageToken ?? '' });
    expect(b.data.nextPageToken).toBe(a.data.nextPageToken);
    t.emu.injectFaults({ method: 'GET', pathIncludes: '/events', endlessPages: 'fresh', times: 2 });
    const c = await cal.events.list({ calendarId: ALICE });
    const d = await cal.events.list({ calendarId: ALICE, pageToken: c.data.nextPageToken ?? '' });
    expect(d.data.nextPageToken).toBeTruthy();
    expect(d.data.nextPageToken).not.toBe(c.data.nextPageToken);
    expect(d.data.nextSyncToken).toBeUndefined();
  });
});

/** The client's headers are a fetch Headers at run time, typed as a record. */
function dateHeader(headers: unknown): string {
  const h = headers as Headers | Record<string, string>;
  return (
    (typeof h.get === 'function' ? (h as Headers).get('date') : (h as Record<string, string>).date) ?? ''
  );
}

describe("Google's clock", () => {
  // Every Google answer carries a Date header (RFC 9110 section 6.6.1: an
  // origin server with a clock must send it); calsync checks its own clock against it.
  it('sends a Date header with every answer, moved by setClockSkew', async () => {
    const cal = t.calendarFor(ALICE);
    const now = Date.now();
    const res = await cal.events.list({ calendarId: ALICE });
    const date = Date.parse(dateHeader(res.headers));
    expect(Math.abs(date - now)).toBeLessThan(60_000);
    t.emu.setClockSkew(-365 * 86_400_000);
    const skewed = await cal.events.list({ calendarId: ALICE });
    const year = Date.parse(dateHeader(skewed.headers));
    expect(now - year).toBeGreaterThan(364 * 86_400_000);
  });
});
