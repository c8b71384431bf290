import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelDirectory } from '../src/server/channel-directory.js';
import { startWebhookServer } from '../src/server/index.js';
import type { WebhookServer } from '../src/server/index.js';
import { StateReader } from '../src/server/state-reader.js';
import { readState } from '../src/state/index.js';
import { setLogSink } from '../src/util/log.js';
import {
  TOKEN,
  editState,
  eventually,
  httpRequest,
  notify,
  settingsFor,
  tempConfigDir,
} from './server-helpers.js';
import type { TempDir } from './server-helpers.js';

const CAL = 'alice@example.com';
const CHANNEL = 'chan-alice-1';

/** A poll stand-in that stays running until released, and counts its calls. */
function gatedPoll() {
  const calls: string[] = [];
  const waiting: Array<() => void> = [];
  return {
    calls,
    poll: (calendarId: string) => {
      calls.push(calendarId);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    /** Lets every poll running now finish. */
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

/** Runs `fn` with the log lines captured, then gives stderr its lines back. */
async function withLogLines(fn: (lines: string[]) => Promise<void>): Promise<void> {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  try {
    await fn(lines);
  } finally {
    setLogSink((line) => process.stderr.write(line + '\n'));
  }
}

function valid(state = 'exists'): Record<string, string> {
  return {
    'X-Goog-Channel-ID': CHANNEL,
    'X-Goog-Channel-Token': TOKEN,
    'X-Goog-Resource-State': state,
    'X-Goog-Message-Number': '2',
  };
}

let tmp: TempDir;
let server: WebhookServer | undefined;

beforeEach(async () => {
  tmp = tempConfigDir();
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
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await tmp.cleanup();
});

async function start(
  poll: (id: string) => Promise<unknown>,
  env: Record<string, string> = {},
): Promise<WebhookServer> {
  const settings = settingsFor(tmp.dir, {
    CALSYNC_SOURCE_CALENDARS: CAL,
    CALSYNC_WEBHOOK_TOKEN: TOKEN,
    ...env,
  });
  server = await startWebhookServer({ settings, host: '127.0.0.1', port: 0, poll });
  return server;
}

describe('POST /webhook', () => {
  it('answers a valid exists notification with 200 and polls that calendar', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const res = await notify(s.url, valid());
    expect(res.status).toBe(200);
    await eventually(() => g.calls.length === 1, 5_000, 'a poll');
    expect(g.calls).toEqual([CAL]);
    g.release();
  });

  it('refuses a forged token with 403 and polls nothing', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const forged = await notify(s.url, { ...valid(), 'X-Goog-Channel-Token': 'not-the-token' });
    const missing = await notify(s.url, { 'X-Goog-Channel-ID': CHANNEL, 'X-Goog-Resource-State': 'exists' });
    expect(forged.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(s.stats.pollsStarted).toBe(0);
    expect(s.stats.notificationsAccepted).toBe(0);
  });

  it('answers an unknown channel with 404 and polls nothing', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const res = await notify(s.url, { ...valid(), 'X-Goog-Channel-ID': 'someone-elses-channel' });
    const none = await notify(s.url, { 'X-Goog-Channel-Token': TOKEN });
    expect(res.status).toBe(404);
    expect(none.status).toBe(404);
    expect(s.stats.pollsStarted).toBe(0);
  });

  it('answers the sync notification of a new channel with 200 without polling', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const res = await notify(s.url, { ...valid('sync'), 'X-Goog-Message-Number': '1' });
    expect(res.status).toBe(200);
    expect(s.stats.notificationsAccepted).toBe(1);
    expect(s.stats.pollsStarted).toBe(0);
  });

  it('refuses a 100 KiB body with 413 and polls nothing', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const res = await httpRequest(`${s.url}/webhook`, {
      method: 'POST',
      headers: valid(),
      body: Buffer.alloc(100 * 1024, 0x61),
    });
    expect(res.status).toBe(413);
    expect(s.stats.pollsStarted).toBe(0);
  });

  it('refuses a chunked body that grows past 64 KiB with 413 while it streams', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${s.url}/webhook`,
        { method: 'POST', headers: { ...valid(), 'Transfer-Encoding': 'chunked' }, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (err) => reject(err));
      // Keep sending 8 KiB chunks without ever ending the body: only the byte count can stop it.
      const chunk = Buffer.alloc(8 * 1024, 0x62);
      const pump = (): void => {
        if (req.destroyed) return;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      pump();
    });
    expect(status).toBe(413);
    expect(s.stats.pollsStarted).toBe(0);
  });

  it('coalesces 200 notifications for one calendar into at most 2 polls', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    const answers = await Promise.all(Array.from({ length: 200 }, () => notify(s.url, valid())));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // One poll running, the other 199 notifications folded into one queued poll.
    expect(g.calls.length).toBe(1);
    g.release();
    await eventually(() => g.calls.length === 2, 5_000, 'the queued poll');
    g.release();
    await new Promise((r) => setTimeout(r, 100));
    expect(s.stats.pollsStarted).toBe(2);
    expect(s.stats.notificationsAccepted).toBe(200);
  });

  it('persists the count of valid notifications in the state when it closes', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    await notify(s.url, valid('sync'));
    await notify(s.url, valid());
    await notify(s.url, { ...valid(), 'X-Goog-Channel-Token': 'forged' });
    g.release();
    await s.close();
    expect((await readState(tmp.dir)).metrics.webhooksReceived).toBe(2);
  });

  it('recognises a channel that another process added after the server started', async () => {
    const s = await start(gatedPoll().poll);
    await editState(tmp.dir, (st) => {
      st.channels['bob@example.com'] = {
        id: 'chan-bob',
        resourceId: 'res-b',
        expiration: Date.now() + 86_400_000 * 6,
        address: 'x',
        createdAt: new Date().toISOString(),
      };
    });
    // The server re-reads the state for an unknown id at most once a second; keep asking.
    let status = 0;
    await eventually(
      async () =>
        (status = (await notify(s.url, { ...valid('sync'), 'X-Goog-Channel-ID': 'chan-bob' })).status) ===
        200,
      5_000,
      'the new channel',
    );
    expect(status).toBe(200);
  });
});

describe('robustness', () => {
  it('survives malformed requests and keeps answering', async () => {
    const s = await start(gatedPoll().poll);
    const { port } = new URL(s.url);
    const garbage = [
      'GARBAGE\r\n\r\n',
      'POST /webhook HTTP/1.1\r\nContent-Length: nope\r\n\r\n',
      `GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      '\x00\x01\x02\r\n\r\n',
    ];
    for (const text of garbage) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
        let data = '';
        socket.on('data', (d: Buffer) => (data += d.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect((await httpRequest(`${s.url}/health`)).status).toBe(200);
  });

  it('frees the socket of a bad request even when the client never closes its side (the connection cap is not used up)', async () => {
    const s = await start(gatedPoll().poll);
    const { port } = new URL(s.url);
    const clients: Socket[] = [];
    try {
      // More half-open clients than the cap (512): each gets its 400, then keeps its end open.
      for (let i = 0; i < 530; i++) {
        const answered = await new Promise<string>((resolve) => {
          const socket = connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true }, () =>
            socket.write('GARBAGE\r\n\r\n'),
          );
          clients.push(socket);
          let data = '';
          socket.on('data', (d: Buffer) => (data += d.toString()));
          socket.on('end', () => resolve(data));
          socket.on('error', () => resolve(data));
        });
        expect(answered).toMatch(/^HTTP\/1\.1 400 /);
      }
      expect((await httpRequest(`${s.url}/health`)).status).toBe(200);
    } finally {
      for (const c of clients) c.destroy();
    }
  }, 60_000);

  it('a forged notification for an unknown channel is 404 without reading the state', async () => {
    const s = await start(gatedPoll().poll);
    await withLogLines(async (lines) => {
      // Were the state read, this corrupt file would cost a warning line per read.
      writeFileSync(join(tmp.dir, 'state.json'), 'not json', { mode: 0o600 });
      for (let i = 0; i < 5; i++) {
        expect(
          (
            await notify(s.url, {
              ...valid(),
              'X-Goog-Channel-ID': `forged-${i}`,
              'X-Goog-Channel-Token': 'wrong',
            })
          ).status,
        ).toBe(404);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect((await notify(s.url, { ...valid(), 'X-Goog-Channel-Token': 'wrong' })).status).toBe(403);
      expect(lines.filter((l) => l.includes('could not read watch channels'))).toEqual([]);
    });
  });

  it('takes a token rotated in the token file without a restart', async () => {
    const settings = settingsFor(tmp.dir, { CALSYNC_SOURCE_CALENDARS: CAL });
    const tokenFile = join(tmp.dir, 'webhook-token');
    writeFileSync(tokenFile, 'old-token-0123456789\n', { mode: 0o600 });
    const poll = gatedPoll();
    server = await startWebhookServer({ settings, host: '127.0.0.1', port: 0, poll: poll.poll });
    expect(
      (await notify(server.url, { ...valid('sync'), 'X-Goog-Channel-Token': 'old-token-0123456789' })).status,
    ).toBe(200);
    writeFileSync(tokenFile, 'new-token-0123456789\n', { mode: 0o600 });
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      (await notify(server.url, { ...valid('sync'), 'X-Goog-Channel-Token': 'new-token-0123456789' })).status,
    ).toBe(200);
    expect(
      (await notify(server.url, { ...valid('sync'), 'X-Goog-Channel-Token': 'old-token-0123456789' })).status,
    ).toBe(403);
  });

  it('a port in use is one clear error, not an unexpected one', async () => {
    const s = await start(gatedPoll().poll);
    const { port } = new URL(s.url);
    const settings = settingsFor(tmp.dir, { CALSYNC_SOURCE_CALENDARS: CAL, CALSYNC_WEBHOOK_TOKEN: TOKEN });
    await expect(
      startWebhookServer({ settings, host: '127.0.0.1', port: Number(port), poll: gatedPoll().poll }),
    ).rejects.toThrow(new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is in use`));
  });

  it('/metrics answers 503 while the state cannot be read, with one warning line, not one per scrape', async () => {
    const s = await start(gatedPoll().poll);
    await withLogLines(async (lines) => {
      writeFileSync(join(tmp.dir, 'state.json'), 'not json', { mode: 0o600 });
      for (let i = 0; i < 3; i++) expect((await httpRequest(`${s.url}/metrics`)).status).toBe(503);
      expect(lines.filter((l) => l.includes('/metrics: the state file cannot be read'))).toHaveLength(1);
    });
  });

  it('answers other paths and methods with 404', async () => {
    const s = await start(gatedPoll().poll);
    expect((await httpRequest(`${s.url}/`)).status).toBe(404);
    expect((await httpRequest(`${s.url}/webhook`)).status).toBe(404);
    expect((await httpRequest(`${s.url}/health`, { method: 'POST' })).status).toBe(404);
    expect((await httpRequest(`${s.url}/../etc/passwd`)).status).toBe(404);
  });
});

describe('GET /health and /metrics', () => {
  it('answers /health 200 ok while every calendar polled successfully within 3 intervals', async () => {
    const s = await start(gatedPoll().poll);
    const res = await httpRequest(`${s.url}/health`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok' });
  });

  it('answers /health 503 fail naming the calendar whose last success is too old', async () => {
    await editState(tmp.dir, (st) => {
      st.calendars[CAL] = { lastSuccessAt: new Date(Date.now() - 16 * 60_000).toISOString() };
    });
    const s = await start(gatedPoll().poll, { CALSYNC_POLL_INTERVAL_MINUTES: '5' });
    const res = await httpRequest(`${s.url}/health`);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body) as {
      status: string;
      checks: Array<{ subject: string; status: string }>;
    };
    expect(body.status).toBe('fail');
    expect(body.checks).toContainEqual(expect.objectContaining({ subject: CAL, status: 'WARNING' }));
  });

  it('answers /health 503 for a calendar that never polled', async () => {
    const s = await start(gatedPoll().poll, { CALSYNC_SOURCE_CALENDARS: `${CAL},new@example.com` });
    expect((await httpRequest(`${s.url}/health`)).status).toBe(503);
  });

  it('serves /metrics as Prometheus text including notifications not yet saved', async () => {
    const s = await start(gatedPoll().poll);
    await notify(s.url, valid('sync'));
    const res = await httpRequest(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toMatch(/^calsync_webhooks_received_total 1$/m);
    expect(res.body).toMatch(
      /^calsync_watch_channel_expiry_timestamp_seconds\{calendar_id="alice@example.com"\} \d+/m,
    );
    expect(res.body).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe('shutdown', () => {
  it('close() waits for the running poll and drops the queued one', async () => {
    const g = gatedPoll();
    const s = await start(g.poll);
    await notify(s.url, valid());
    await notify(s.url, valid());
    await eventually(() => g.calls.length === 1, 5_000, 'a poll');
    let closed = false;
    const closing = s.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    g.release();
    await closing;
    expect(closed).toBe(true);
    expect(g.calls.length).toBe(1);
    // Stopped accepting: a new connection is refused.
    await expect(httpRequest(`${s.url}/health`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('ChannelDirectory', () => {
  it('re-reads the state for unknown channel ids at most once per second, each read after the request arrived', async () => {
    const reader = new StateReader(tmp.dir);
    let reads = 0;
    const counting = { read: () => ((reads += 1), reader.read()) } as unknown as StateReader;
    const dir = new ChannelDirectory(counting);
    await dir.load();
    expect(await dir.calendarFor(CHANNEL)).toBe(CAL);
    // A channel saved by another process after the load: found by the one shared re-read.
    await editState(tmp.dir, (st) => {
      st.channels['carol@example.com'] = {
        id: 'chan-carol',
        resourceId: 'r',
        expiration: Date.now() + 86_400_000,
        address: 'x',
        createdAt: new Date().toISOString(),
      };
    });
    const answers = await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => dir.calendarFor(`forged-${i}`)),
      dir.calendarFor('chan-carol'),
    ]);
    expect(answers.slice(0, 100).every((a) => a === undefined)).toBe(true);
    expect(answers[100]).toBe('carol@example.com');
    expect(reads).toBe(2);
  });
});
