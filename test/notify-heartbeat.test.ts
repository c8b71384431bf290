import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { heartbeatFromSettings } from '../src/notify/from-settings.js';
import { healthchecksHeartbeat } from '../src/notify/healthchecks.js';
import { noHeartbeat } from '../src/notify/heartbeat.js';
import { uptimeKumaHeartbeat } from '../src/notify/uptime-kuma.js';
import { setLogLevel, setLogSink } from '../src/util/log.js';
import { fakeServer, stoppedServerUrl, type FakeServer } from './health-helpers.js';

let server: FakeServer;
let logLines: string[] = [];
beforeAll(async () => {
  server = await fakeServer();
  setLogLevel('warn');
  setLogSink((line) => logLines.push(line));
});
afterEach(() => {
  server.requests.length = 0;
  server.answer = () => ({ status: 200, body: '{"ok":true}' });
  logLines = [];
});
afterAll(async () => {
  await server.close();
});

describe('Uptime Kuma push', () => {
  it('success pushes status=up with the message and the duration as ping, keeping the URL query', async () => {
    const hb = uptimeKumaHeartbeat(`${server.url}/api/push/Tok3nAbc?status=up&msg=OK&ping=&keep=1`);
    await hb.start();
    await hb.success('2 calendars, 3 changes', 1234.4);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    const url = new URL(req?.url ?? '', server.url);
    expect(req?.method).toBe('GET');
    expect(url.pathname).toBe('/api/push/Tok3nAbc');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      status: 'up',
      msg: '2 calendars, 3 changes',
      ping: '1234',
      keep: '1',
    });
  });

  it('failure pushes status=down with the reason and no ping', async () => {
    await uptimeKumaHeartbeat(`${server.url}/api/push/Tok3nAbc`).failure('token revoked for a@example.com');
    const url = new URL(server.requests[0]?.url ?? '', server.url);
    expect(url.searchParams.get('status')).toBe('down');
    expect(url.searchParams.get('msg')).toBe('token revoked for a@example.com');
    expect(url.searchParams.has('ping')).toBe(false);
  });

  it('a monitor that answers 404 is one warning line without the push token, and no exception', async () => {
    server.answer = () => ({ status: 404, body: '{"ok":false,"msg":"Monitor not found or not active."}' });
    await expect(
      uptimeKumaHeartbeat(`${server.url}/api/push/SecretPushTok`).success('ok', 5),
    ).resolves.toBeUndefined();
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatch(/^calsync warn: Uptime Kuma ping failed .*status=404/);
    expect(logLines[0]).not.toContain('SecretPushTok');
  });

  it('an unreachable monitor is one warning line, and no exception', async () => {
    const url = await stoppedServerUrl();
    await expect(uptimeKumaHeartbeat(`${url}/api/push/SecretPushTok`).failure('x')).resolves.toBeUndefined();
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toContain('Uptime Kuma ping failed');
    expect(logLines[0]).not.toContain('SecretPushTok');
  });
});

describe('a monitor that never answers', () => {
  it('times out into one warning line, and no exception', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const hb = healthchecksHeartbeat(`http://127.0.0.1:${port}/ping/SecretCheckUuid`, { timeoutMs: 200 });
      await expect(hb.start()).resolves.toBeUndefined();
      expect(logLines).toHaveLength(1);
      expect(logLines[0]).toMatch(/^calsync warn: healthchecks ping failed .*no answer within 0.2s/);
      expect(logLines[0]).not.toContain('SecretCheckUuid');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('healthchecks.io pings', () => {
  it('start, success and failure POST to /start, the URL and /fail with the message as body and one rid', async () => {
    const hb = healthchecksHeartbeat(`${server.url}/ping/0b6b4a8e-uuid/`);
    await hb.start();
    await hb.success('synced 2 calendars', 900);
    await hb.failure('quota exceeded');
    const urls = server.requests.map((r) => new URL(r.url, server.url));
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(urls.map((u) => u.pathname)).toEqual([
      '/ping/0b6b4a8e-uuid/start',
      '/ping/0b6b4a8e-uuid',
      '/ping/0b6b4a8e-uuid/fail',
    ]);
    expect(server.requests.map((r) => r.body)).toEqual(['', 'synced 2 calendars', 'quota exceeded']);
    const rids = new Set(urls.map((u) => u.searchParams.get('rid')));
    expect(rids.size).toBe(1);
    expect([...rids][0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('two runs use two rids, so overlapping runs are measured apart', async () => {
    await healthchecksHeartbeat(`${server.url}/p`).start();
    await healthchecksHeartbeat(`${server.url}/p`).start();
    const rids = server.requests.map((r) => new URL(r.url, server.url).searchParams.get('rid'));
    expect(rids[0]).not.toBe(rids[1]);
  });
});

describe('heartbeatFromSettings', () => {
  it('is a no-op without any monitor', () => {
    expect(heartbeatFromSettings({ uptimeKumaPushUrl: undefined, healthchecksUrl: undefined })).toBe(
      noHeartbeat,
    );
  });

  it('tells every configured monitor', async () => {
    const hb = heartbeatFromSettings({
      uptimeKumaPushUrl: `${server.url}/api/push/k`,
      healthchecksUrl: `${server.url}/hc`,
    });
    await hb.success('fine', 10);
    expect(server.requests.map((r) => new URL(r.url, server.url).pathname).sort()).toEqual([
      '/api/push/k',
      '/hc',
    ]);
  });

  it('a malformed monitor URL is a warning, not an exception', async () => {
    await expect(
      heartbeatFromSettings({ uptimeKumaPushUrl: 'not a url', healthchecksUrl: undefined }).failure('x'),
    ).resolves.toBeUndefined();
    expect(logLines[0]).toContain('not a valid URL');
  });
});
