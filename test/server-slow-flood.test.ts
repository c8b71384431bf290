import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookServer } from '../src/server/index.js';
import type { WebhookServer } from '../src/server/index.js';
import { SERVER_LIMITS } from '../src/server/limits.js';
import { TOKEN, editState, httpRequest, notify, settingsFor, tempConfigDir } from './server-helpers.js';
import type { TempDir } from './server-helpers.js';

const CAL = 'alice@example.com';
const CHANNEL = 'chan-alice-1';

let tmp: TempDir;
let server: WebhookServer | undefined;
const polls: string[] = [];

beforeEach(async () => {
  tmp = tempConfigDir();
  polls.length = 0;
  await editState(tmp.dir, (s) => {
    s.channels[CAL] = {
      id: CHANNEL,
      resourceId: 'res-1',
      expiration: Date.now() + 6 * 86_400_000,
      address: 'https://x.example/webhook',
      createdAt: new Date().toISOString(),
    };
    s.calendars[CAL] = { lastSuccessAt: new Date().toISOString() };
  });
  const settings = settingsFor(tmp.dir, { CALSYNC_SOURCE_CALENDARS: CAL, CALSYNC_WEBHOOK_TOKEN: TOKEN });
  server = await startWebhookServer({
    settings,
    host: '127.0.0.1',
    port: 0,
    poll: (id) => {
      polls.push(id);
      return Promise.resolve();
    },
  });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await tmp.cleanup();
});

/**
 * A bounded slowloris from one address (as behind a tunnel): `clients`
 * sockets, each sending one byte of a never-ending header every `everyMs`,
 * reconnecting when cut, until stop() (and never past `maxMs`).
 */
function slowloris(url: string, clients: number, everyMs: number, maxMs: number) {
  const { port, hostname } = new URL(url);
  const sockets = new Set<Socket>();
  let stopped = false;
  let connects = 0;
  const header = 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ';
  const open = (): void => {
    if (stopped) return;
    connects++;
    const socket = connect({ port: Number(port), host: hostname });
    sockets.add(socket);
    let sent = 0;
    const timer = setInterval(() => {
      if (!socket.writable) return;
      socket.write(sent < header.length ? (header[sent] ?? 'a') : 'a');
      sent++;
    }, everyMs);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      open();
    });
  };
  for (let i = 0; i < clients; i++) open();
  const stop = (): void => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
  const bound = setTimeout(stop, maxMs);
  return {
    get connects() {
      return connects;
    },
    get open() {
      return sockets.size;
    },
    stop: () => {
      clearTimeout(bound);
      stop();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('serve-webhook under a slow flood from one address', () => {
  it('answers /health and a well-formed notification while more slow clients than connection slots hold on', async () => {
    const s = server as WebhookServer;
    const clients = SERVER_LIMITS.maxConnections + 88;
    const flood = slowloris(s.url, clients, 1000, 20_000);
    try {
      // Until every slow client is connected (or being cut and reconnecting).
      while (flood.connects < clients) await sleep(20);
      await sleep(500);
      const health: number[] = [];
      for (let i = 0; i < 10; i++) {
        health.push((await httpRequest(`${s.url}/health`)).status);
        await sleep(100);
      }
      const notified = await notify(s.url, {
        'X-Goog-Channel-ID': CHANNEL,
        'X-Goog-Channel-Token': TOKEN,
        'X-Goog-Resource-State': 'exists',
        'X-Goog-Message-Number': '2',
      });
      // The flood still held (most of) the slots meanwhile: cut clients reconnected at once.
      expect(flood.open).toBeGreaterThan(SERVER_LIMITS.maxConnections - SERVER_LIMITS.reservedSlots);
      expect(health).toEqual(Array(10).fill(200));
      expect(notified.status).toBe(200);
      expect(polls).toEqual([CAL]);
    } finally {
      flood.stop();
    }
  }, 30_000);
});
