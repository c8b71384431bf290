import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meeting } from '../src/emulator/samples.js';
import { googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let t: TestEmulator;
let receiver: Server;
let hookUrl = '';
const received: Received[] = [];
let answerStatus = 200;
/** How many notifications the slow receiver has answered so far. */
let slowAnswers = 0;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE, BOB] });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body });
      // "/slow" answers late, like an overloaded webhook.
      const slow = req.url === '/slow';
      setTimeout(
        () => {
          res.writeHead(answerStatus).end();
          if (slow) slowAnswers += 1;
        },
        slow ? 1500 : 0,
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const forChannel = (id: string) => received.filter((r) => r.headers['x-goog-channel-id'] === id);

describe('events.watch', () => {
  it('creates a channel, sends sync, then exists on every change, with Google headers', async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.watch({
      calendarId: ALICE,
      requestBody: { id: 'chan-1', type: 'web_hook', address: hookUrl, token: 'secret-token' },
    });
    expect(data).toMatchObject({ kind: 'api#channel', id: 'chan-1', token: 'secret-token' });
    expect(data.resourceId).toBeTruthy();
    expect(data.resourceUri).toContain('/calendar/v3/calendars/');
    const expiration = Number(data.expiration);
    expect(typeof data.expiration).toBe('string');
    expect(expiration - Date.now()).toBeGreaterThan(604_800_000 - 60_000);
    expect(expiration - Date.now()).toBeLessThanOrEqual(604_800_000);

    const { data: ev } = await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'ping', start: { date: '2026-01-01' }, end: { date: '2026-01-02' } },
    });
    t.emu.updateEvent(ALICE, ev.id ?? '', { summary: 'pong' });
    await t.emu.settleDeliveries();

    const got = forChannel('chan-1');
    expect(got.map((r) => r.headers['x-goog-resource-state'])).toEqual(['sync', 'exists', 'exists']);
    const numbers = got.map((r) => Number(r.headers['x-goog-message-number']));
    expect(numbers[0]).toBe(1);
    expect(numbers[1]).toBeGreaterThan(1);
    expect(numbers[2]).toBeGreaterThan(numbers[1] ?? 0);
    for (const r of got) {
      expect(r.method).toBe('POST');
      expect(r.body).toBe('');
      expect(r.headers['x-goog-channel-token']).toBe('secret-token');
      expect(r.headers['x-goog-resource-id']).toBe(data.resourceId);
      expect(r.headers['x-goog-resource-uri']).toBe(data.resourceUri);
      expect(r.headers['user-agent']).toMatch(/^APIs-Google/);
      expect(Date.parse(r.headers['x-goog-channel-expiration'] as string)).toBeGreaterThan(Date.now());
      expect(r.headers['x-goog-channel-expiration']).toMatch(/GMT$/);
    }
    expect(t.emu.deliveries.filter((d) => d.channelId === 'chan-1').map((d) => d.status)).toEqual([
      200, 200, 200,
    ]);
  });

  it('honours a ttl and omits X-Goog-Channel-Token when no token was set', async () => {
    const cal = t.calendarFor(BOB);
    const { data } = await cal.events.watch({
      calendarId: BOB,
      requestBody: { id: 'chan-ttl', type: 'web_hook', address: hookUrl, params: { ttl: '3600' } },
    });
    expect(Number(data.expiration) - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(Number(data.expiration) - Date.now()).toBeGreaterThan(3_500_000);
    await t.emu.settleDeliveries();
    const sync = forChannel('chan-ttl')[0];
    expect(sync?.headers['x-goog-resource-state']).toBe('sync');
    expect(sync?.headers['x-goog-channel-token']).toBeUndefined();
  });

  it('does not block the API call on a slow receiver', async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.watch({
      calendarId: ALICE,
      requestBody: { id: 'chan-slow', type: 'web_hook', address: hookUrl.replace('/webhook', '/slow') },
    });
    const answeredBefore = slowAnswers;
    await cal.events.insert({
      calendarId: ALICE,
      requestBody: { summary: 'fast', start: { date: '2026-01-03' }, end: { date: '2026-01-04' } },
    });
    // The insert came back while the receiver still sat on the sync and exists notifications
    // (an order, not a time limit: a slow machine cannot make this flaky).
    expect(slowAnswers - answeredBefore).toBeLessThan(2);
    await cal.channels.stop({ requestBody: { id: 'chan-slow', resourceId: data.resourceId } });
  });

  it('refuses an http:// address that is not loopback, as Google refuses any non-https callback', async () => {
    const e = await googleError(() =>
      t.calendarFor(ALICE).events.watch({
        calendarId: ALICE,
        requestBody: { id: 'chan-http', type: 'web_hook', address: 'http://calsync.example.org/webhook' },
      }),
    );
    expect(e.status).toBe(400);
    expect(e.message).toContain('WebHook callback must be HTTPS');
  });

  it('refuses a second channel with the same id', async () => {
    const cal = t.calendarFor(ALICE);
    await cal.events.watch({
      calendarId: ALICE,
      requestBody: { id: 'chan-dup', type: 'web_hook', address: hookUrl },
    });
    const e = await googleError(() =>
      cal.events.watch({
        calendarId: ALICE,
        requestBody: { id: 'chan-dup', type: 'web_hook', address: hookUrl },
      }),
    );
    expect(e.status).toBe(400);
  });
});

describe('channels.stop', () => {
  it('answers 204 and nothing is delivered afterwards; only the creator may stop it', async () => {
    const cal = t.calendarFor(ALICE);
    const { data } = await cal.events.watch({
      calendarId: ALICE,
      requestBody: { id: 'chan-stop', type: 'web_hook', address: hookUrl },
    });
    await t.emu.settleDeliveries();
    const other = await googleError(() =>
      t.calendarFor(BOB).channels.stop({ requestBody: { id: 'chan-stop', resourceId: data.resourceId } }),
    );
    expect(other.status).toBe(404);
    const stopped = await cal.channels.stop({
      requestBody: { id: 'chan-stop', resourceId: data.resourceId },
    });
    expect(stopped.status).toBe(204);
    const before = forChannel('chan-stop').length;
    t.emu.seedEvent(
      ALICE,
      meeting({ summary: 'after stop', start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z' }),
    );
    await t.emu.settleDeliveries();
    expect(forChannel('chan-stop').length).toBe(before);
    const again = await googleError(() =>
      cal.channels.stop({ requestBody: { id: 'chan-stop', resourceId: data.resourceId } }),
    );
    expect(again.status).toBe(404);
  });

  it('retries a delivery the receiver answers with 503', async () => {
    answerStatus = 503;
    try {
      const cal = t.calendarFor(BOB);
      await cal.events.watch({
        calendarId: BOB,
        requestBody: { id: 'chan-retry', type: 'web_hook', address: hookUrl },
      });
      await t.emu.settleDeliveries();
      expect(forChannel('chan-retry').length).toBeGreaterThan(1);
      expect(forChannel('chan-retry').every((r) => r.headers['x-goog-message-number'] === '1')).toBe(true);
    } finally {
      answerStatus = 200;
    }
  });
});
