import {
  chmodSync,
  cpSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { startEmulator } from '../src/emulator/index.js';
import type { Emulator, RequestLogEntry } from '../src/emulator/index.js';
import { ConfigError } from '../src/errors.js';
import { resolveWebhookToken } from '../src/push/watch.js';
import { webhookAddress } from '../src/push/webhook-address.js';
import { webhookTokenPath } from '../src/push/webhook-token.js';
import { readState, withStateLock } from '../src/state/index.js';
import {
  assertBuilt,
  editState,
  eventually,
  httpRequest,
  runCli,
  startCli,
  tempConfigDir,
} from './server-helpers.js';
import type { RunningCli, TempDir } from './server-helpers.js';

describe('webhookAddress', () => {
  it('adds /webhook to a URL without a path and keeps a given path', () => {
    expect(webhookAddress('https://calsync.example.org')).toBe('https://calsync.example.org/webhook');
    expect(webhookAddress('https://calsync.example.org/hooks/google')).toBe(
      'https://calsync.example.org/hooks/google',
    );
  });

  it('refuses plain http except on loopback', () => {
    expect(() => webhookAddress('http://calsync.example.org/webhook')).toThrow(ConfigError);
    expect(webhookAddress('http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000/webhook');
    expect(webhookAddress('http://localhost:5000/webhook')).toBe('http://localhost:5000/webhook');
    expect(webhookAddress('http://[::1]:5000')).toBe('http://[::1]:5000/webhook');
  });

  it('asks for a webhook URL with the config set command when none is set', () => {
    expect(() => webhookAddress(undefined)).toThrow(ConfigError);
    try {
      webhookAddress(undefined);
    } catch (err) {
      expect((err as ConfigError).hint).toContain('run: calsync config set webhookUrl https://');
    }
  });
});

describe('resolveWebhookToken', () => {
  let tmp: TempDir;
  beforeEach(() => (tmp = tempConfigDir('calsync-token-')));
  afterEach(() => tmp.cleanup());

  it('prefers the setting', () => {
    expect(resolveWebhookToken({ configDir: tmp.dir, webhookToken: 'from-the-settings' })).toBe(
      'from-the-settings',
    );
  });

  it('generates a 32-byte base64url token once, mode 0600, and reuses it', () => {
    const first = resolveWebhookToken({ configDir: tmp.dir, webhookToken: undefined });
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(webhookTokenPath(tmp.dir)).mode & 0o777).toBe(0o600);
    expect(resolveWebhookToken({ configDir: tmp.dir, webhookToken: undefined })).toBe(first);
  });

  it('refuses a token file readable by others, saying how to fix it', () => {
    writeFileSync(webhookTokenPath(tmp.dir), 'abcdefghijklmnop\n', { mode: 0o644 });
    chmodSync(webhookTokenPath(tmp.dir), 0o644);
    expect(() => resolveWebhookToken({ configDir: tmp.dir, webhookToken: undefined })).toThrow(
      /readable by group or others/,
    );
  });
});

// ---------------------------------------------------------------------------
// End to end: the built binary against the in-process emulator, real push delivery.

const SHARED = 'shared@example.com';
let emu: Emulator;
let seq = 0;

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator();
  emu.addAccount(SHARED);
});
afterAll(async () => {
  await emu.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Fixture {
  dir: string;
  calendar: string;
  port: number;
  env: NodeJS.ProcessEnv;
}

/** A config dir with one source calendar (a fresh emulator account) and its token file. */
async function fixture(tmp: TempDir, extraEnv: Record<string, string> = {}): Promise<Fixture> {
  seq += 1;
  const calendar = `watcher${seq}-${process.pid}@example.com`;
  const tokens = join(tmp.dir, 'tokens');
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  for (const account of [calendar, SHARED]) {
    writeFileSync(join(tokens, `${account}.json`), JSON.stringify(emu.authorizedUser(account)), {
      mode: 0o600,
    });
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmp.dir,
    CALSYNC_CONFIG_DIR: tmp.dir,
    CALSYNC_SOURCE_CALENDARS: calendar,
    CALSYNC_INVITE_EMAIL: SHARED,
    CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`,
    CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
    CALSYNC_WEBHOOK_URL: `http://127.0.0.1:${port}`,
    CALSYNC_RETRY_SCALE: '0.01',
    ...extraEnv,
  };
  return { dir: tmp.dir, calendar, port, env };
}

/** `calsync poll` as a separate process; its stderr explains a failure. */
async function pollOnce(f: Fixture): Promise<void> {
  const r = await runCli(['poll'], f.env);
  expect(r.code, r.stderr + r.stdout).toBe(0);
}

function requestsTo(fragment: string, calendarOrChannel?: string): RequestLogEntry[] {
  return emu.requests.filter(
    (r) =>
      r.path.includes(fragment) &&
      (calendarOrChannel === undefined || JSON.stringify(r).includes(calendarOrChannel)),
  );
}

function stopRequestFor(channelId: string): RequestLogEntry | undefined {
  return emu.requests.find(
    (r) => r.path.includes('/channels/stop') && JSON.stringify(r.body ?? '').includes(channelId),
  );
}

function inOneHour(summary: string) {
  const start = new Date(Date.now() + 3_600_000);
  const end = new Date(start.getTime() + 1_800_000);
  return { summary, start: { dateTime: start.toISOString() }, end: { dateTime: end.toISOString() } };
}

describe('calsync watch', () => {
  let tmp: TempDir;
  beforeEach(() => (tmp = tempConfigDir('calsync-watch-')));
  afterEach(() => tmp.cleanup());

  it('exits 2 and says the config set command when no webhook URL is set', async () => {
    const f = await fixture(tmp, { CALSYNC_WEBHOOK_URL: '' });
    const r = await runCli(['watch'], f.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('calsync config set webhookUrl https://');
  });

  it('creates a channel per calendar with a generated token and stores it in the state', async () => {
    const f = await fixture(tmp);
    const r = await runCli(['watch', '--json'], f.env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      exitCode: number;
      calendars: Array<{ calendarId: string; action: string }>;
    };
    expect(report.calendars).toEqual([
      expect.objectContaining({ calendarId: f.calendar, action: 'created' }),
    ]);

    const channel = (await readState(f.dir)).channels[f.calendar];
    expect(channel).toBeDefined();
    expect(channel?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof channel?.expiration).toBe('number');
    expect(channel?.expiration).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(channel?.address).toBe(`http://127.0.0.1:${f.port}/webhook`);

    const token = readFileSync(webhookTokenPath(f.dir), 'utf8').trim();
    const watch = requestsTo('/events/watch', channel?.id).at(-1);
    expect(watch?.body).toMatchObject({
      id: channel?.id,
      type: 'web_hook',
      address: channel?.address,
      token,
      params: { ttl: '604800' },
    });
    // The token is a secret: never printed.
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('keeps a channel that lives longer than a day and renews one that expires sooner, stopping the old one after', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    const first = (await readState(f.dir)).channels[f.calendar];
    const watchesBefore = requestsTo('/events/watch').length;

    const kept = await runCli(['watch'], f.env);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('kept');
    expect(requestsTo('/events/watch').length).toBe(watchesBefore);
    expect((await readState(f.dir)).channels[f.calendar]?.id).toBe(first?.id);

    // A channel with 24 h 15 min left (what a daily timer with its random delay finds) is renewed, not kept into health-check's 24 h warning.
    await editState(f.dir, (s) => {
      const c = s.channels[f.calendar];
      if (c) c.expiration = Date.now() + 24.25 * 3_600_000;
    });
    const renewed = await runCli(['watch'], f.env);
    expect(renewed.code, renewed.stderr).toBe(0);
    const second = (await readState(f.dir)).channels[f.calendar];
    expect(second?.id).not.toBe(first?.id);
    const createdAt = emu.requests.findIndex(
      (r) => r.path.includes('/events/watch') && JSON.stringify(r.body ?? '').includes(second?.id ?? '?'),
    );
    const stopped = stopRequestFor(first?.id ?? '?');
    expect(stopped?.status).toBeLessThan(300);
    // Successor first, then the stop: notifications never have a gap.
    expect(emu.requests.indexOf(stopped as RequestLogEntry)).toBeGreaterThan(createdAt);
  });

  it('renews a channel made with a token that has since been rotated', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    const first = (await readState(f.dir)).channels[f.calendar];
    const kept = await runCli(['watch'], f.env);
    expect(kept.stdout).toContain('kept');
    const rotated = await runCli(['watch'], {
      ...f.env,
      CALSYNC_WEBHOOK_TOKEN: 'a-rotated-webhook-token-0123456789',
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    const second = (await readState(f.dir)).channels[f.calendar];
    expect(second?.id).not.toBe(first?.id);
    expect(second?.tokenFingerprint).not.toBe(first?.tokenFingerprint);
    expect(JSON.stringify(await readState(f.dir))).not.toContain('a-rotated-webhook-token-0123456789');
  });

  it('renews every channel with --force and stops them all with --stop', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    const first = (await readState(f.dir)).channels[f.calendar];
    const forced = await runCli(['watch', '--force'], f.env);
    expect(forced.code).toBe(0);
    const second = (await readState(f.dir)).channels[f.calendar];
    expect(second?.id).not.toBe(first?.id);
    expect(stopRequestFor(first?.id ?? '?')).toBeDefined();

    const stop = await runCli(['watch', '--stop', '--json'], f.env);
    expect(stop.code).toBe(0);
    expect((JSON.parse(stop.stdout) as { calendars: Array<{ action: string }> }).calendars[0]?.action).toBe(
      'stopped',
    );
    expect(stopRequestFor(second?.id ?? '?')).toBeDefined();
    expect((await readState(f.dir)).channels[f.calendar]).toBeUndefined();
  });

  it('stops the channel of a calendar no longer among the sources, and forgets one Google cannot be told about', async () => {
    const f = await fixture(tmp);
    const other = `other${seq}-${process.pid}@example.com`;
    writeFileSync(join(f.dir, 'tokens', `${other}.json`), JSON.stringify(emu.authorizedUser(other)), {
      mode: 0o600,
    });
    expect(
      (await runCli(['watch'], { ...f.env, CALSYNC_SOURCE_CALENDARS: `${f.calendar},${other}` })).code,
    ).toBe(0);
    const dropped = (await readState(f.dir)).channels[other];
    expect(dropped).toBeDefined();
    const r = await runCli(['watch', '--json'], f.env);
    expect(r.code, r.stderr).toBe(0);
    expect(
      (JSON.parse(r.stdout) as { calendars: Array<{ calendarId: string; action: string }> }).calendars,
    ).toContainEqual(expect.objectContaining({ calendarId: other, action: 'stopped' }));
    expect(stopRequestFor(dropped?.id ?? '?')?.status).toBeLessThan(300);
    expect((await readState(f.dir)).channels[other]).toBeUndefined();

    // A channel whose account is gone altogether: forgotten, with a warning, and the run still succeeds.
    await editState(f.dir, (s) => {
      s.channels['gone@example.com'] = {
        id: 'chan-gone',
        resourceId: 'r',
        expiration: Date.now() + 86_400_000,
        address: 'x',
        createdAt: new Date().toISOString(),
      };
    });
    const again = await runCli(['watch', '--json'], f.env);
    expect(again.code, again.stderr).toBe(0);
    expect(
      (
        JSON.parse(again.stdout) as { calendars: Array<{ calendarId: string; stopWarning?: string }> }
      ).calendars.find((c) => c.calendarId === 'gone@example.com')?.stopWarning,
    ).toMatch(/expires on its own/);
    expect((await readState(f.dir)).channels['gone@example.com']).toBeUndefined();
  });

  it('exits 1 and reports the calendar when Google refuses the channel', async () => {
    const f = await fixture(tmp);
    emu.injectFaults({ pathIncludes: '/events/watch', account: f.calendar, status: 400, reason: 'invalid' });
    try {
      const r = await runCli(['watch', '--json'], f.env);
      expect(r.code).toBe(1);
      expect((JSON.parse(r.stdout) as { calendars: Array<{ action: string }> }).calendars[0]?.action).toBe(
        'failed',
      );
    } finally {
      emu.clearFaults();
    }
  });
});

describe('serve-webhook end to end', () => {
  let tmp: TempDir;
  let server: RunningCli | undefined;
  beforeEach(() => (tmp = tempConfigDir('calsync-serve-')));
  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.done;
    }
    server = undefined;
    await tmp.cleanup();
  });

  async function serve(f: Fixture): Promise<string> {
    server = startCli(['serve-webhook', '--port', String(f.port)], f.env);
    const m = await server.waitForStderr(/listening on (http:\/\/\S+)/);
    return m[1] ?? '';
  }

  it('processes a new event through a real push notification, with no timer poll, and logs one info line naming it', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    const url = await serve(f);
    // The first poll (a full listing) is not what this checks: do it now.
    await pollOnce(f);

    // How fast is measured by `npm run bench` (webhook: p50/p99 change → applied), not here:
    // a shared CI machine makes any time limit in a test flaky.
    const event = emu.seedEvent(f.calendar, inOneHour('Team lunch'));
    await eventually(
      () => (emu.getEvent(f.calendar, event.id ?? '')?.attendees ?? []).some((a) => a.email === SHARED),
      10_000,
      'the invite',
    );

    const channel = (await readState(f.dir)).channels[f.calendar];
    expect(
      emu.deliveries.some((d) => d.channelId === channel?.id && d.state === 'exists' && d.status === 200),
    ).toBe(true);
    const health = await httpRequest(`${url}/health`);
    expect(health.status).toBe(200);
    // The journal says what the notification's poll did: calendar, action, title.
    const line = await server?.waitForStderr(
      /calsync info: webhook poll of (\S+): 1 done: invite "Team lunch"/,
    );
    expect(line?.[1]).toBe(f.calendar);
  });

  it('keeps syncing after its files are replaced under it (an upgrade or a rebuild)', async () => {
    // An installed copy of the package, as npm lays it out: its own files, the dependencies beside them.
    const pkg = mkdtempSync(join(tmpdir(), 'calsync-installed-'));
    onTestFinished(() => rmSync(pkg, { recursive: true, force: true }));
    const root = join(import.meta.dirname, '..');
    for (const part of ['bin', 'dist/bundle', 'package.json', 'systemd', 'docs'])
      cpSync(join(root, part), join(pkg, part), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    server = startCli(['serve-webhook', '--port', String(f.port)], f.env, join(pkg, 'bin', 'calsync.js'));
    await server.waitForStderr(/listening on (http:\/\/\S+)/);
    await pollOnce(f);

    // npm replaces the whole package directory on an upgrade; a rebuild renames the bundle's chunks.
    rmSync(join(pkg, 'dist'), { recursive: true });
    const event = emu.seedEvent(f.calendar, inOneHour('After the upgrade'));
    await eventually(
      () => (emu.getEvent(f.calendar, event.id ?? '')?.attendees ?? []).some((a) => a.email === SHARED),
      10_000,
      `the invite; stderr: ${server.output().stderr}`,
    );
    expect(server.output().stderr).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/);
  });

  it('a timer poll and notification polls at the same time make no duplicate', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    await serve(f);
    await pollOnce(f);
    const trips: string[] = [];
    let concurrent: ReturnType<typeof runCli> | undefined;
    for (let i = 0; i < 15; i++) {
      const start = new Date(Date.now() + (i + 2) * 3_600_000);
      trips.push(`Trip ${i}`);
      // Each new event is pushed to the server while `calsync poll` runs too.
      emu.seedEvent(f.calendar, {
        eventType: 'fromGmail',
        summary: `Trip ${i}`,
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 3_600_000).toISOString() },
      });
      if (i === 5) concurrent = runCli(['poll'], f.env);
    }
    const [cli, other] = await Promise.all([runCli(['poll'], f.env), concurrent]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(other?.code, other?.stderr).toBe(0);
    await eventually(
      () => trips.every((t) => emu.listEvents(f.calendar).filter((e) => e.summary === t).length >= 2),
      15_000,
      'every copy',
    );
    await emu.settleDeliveries();
    await pollOnce(f);
    for (const t of trips)
      expect(
        emu.listEvents(f.calendar).filter((e) => e.summary === t),
        t,
      ).toHaveLength(2);
  });

  it('shows in /metrics a poll that a separate calsync poll process ran', async () => {
    const f = await fixture(tmp);
    const url = await serve(f);
    const before = /^calsync_polls_initiated_total (\d+)$/m.exec(
      (await httpRequest(`${url}/metrics`)).body,
    )?.[1];
    expect(before).toBe('0');
    await pollOnce(f);
    const after = await httpRequest(`${url}/metrics`);
    expect(after.body).toMatch(/^calsync_polls_initiated_total [1-9]\d*$/m);
    expect(after.body).toMatch(
      new RegExp(`^calsync_last_success_timestamp_seconds\\{calendar_id="${f.calendar}"\\} \\d+`, 'm'),
    );
  });

  it('after a renewal, notifications come only through the new channel', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    const first = (await readState(f.dir)).channels[f.calendar];
    await serve(f);
    expect((await runCli(['watch', '--force'], f.env)).code).toBe(0);
    const second = (await readState(f.dir)).channels[f.calendar];
    await emu.settleDeliveries();
    const mark = emu.deliveries.length;
    emu.seedEvent(f.calendar, inOneHour('After renewal'));
    await emu.settleDeliveries();
    const since = emu.deliveries.slice(mark).filter((d) => d.calendarId === f.calendar);
    expect(since.map((d) => d.channelId)).toEqual([second?.id]);
    expect(since[0]?.status).toBe(200);
    expect(since.some((d) => d.channelId === first?.id)).toBe(false);
  });

  it('on SIGTERM stops accepting, stops the running poll (its hung listing ended, its state saved) and exits 0', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    const url = await serve(f);
    await pollOnce(f);
    const syncToken = (await readState(f.dir)).calendars[f.calendar]?.syncToken;
    // Google never answers the listing the notification's poll sends.
    emu.injectFaults({ method: 'GET', pathIncludes: `/calendars/${f.calendar}/events`, hang: true });
    try {
      const event = emu.seedEvent(f.calendar, inOneHour('Stopped'));
      const mark = emu.requests.length;
      await eventually(
        () =>
          emu.requests
            .slice(mark)
            .some((r) => r.method === 'GET' && r.path.endsWith(`/calendars/${f.calendar}/events`)),
        10_000,
        'the poll to start',
      );
      server?.child.kill('SIGTERM');
      // Not after the request's time-out: the stop ends the listing (google/request-signals.ts).
      const exit = await server?.done;
      expect(exit?.code, exit?.stderr).toBe(0);
      expect(exit?.stderr).not.toMatch(/Google unreachable/);
      await expect(httpRequest(`${url}/health`)).rejects.toThrow(/ECONNREFUSED/);
      // Saved as stopped, its sync token where it was: the next poll takes the change.
      const state = await readState(f.dir);
      expect(state.calendars[f.calendar]?.lastError).toMatch(/stopped by SIGTERM/);
      expect(state.calendars[f.calendar]?.syncToken).toBe(syncToken);
      emu.clearFaults();
      await pollOnce(f);
      expect(
        (emu.getEvent(f.calendar, event.id ?? '')?.attendees ?? []).some((a) => a.email === SHARED),
      ).toBe(true);
    } finally {
      emu.clearFaults();
    }
  });

  it('on SIGTERM a poll still waiting for the state lock gives up, and the server exits 0 without waiting for the lock', async () => {
    const f = await fixture(tmp);
    expect((await runCli(['watch'], f.env)).code).toBe(0);
    await serve(f);
    await pollOnce(f);
    // Another process (here: this test) holds the lock the whole time.
    await withStateLock(f.dir, async () => {
      emu.seedEvent(f.calendar, inOneHour('Waiting'));
      await server?.waitForStderr(/holds the state lock/);
      server?.child.kill('SIGTERM');
      const exit = await server?.done;
      expect(exit?.code).toBe(0);
      expect(exit?.stderr).toMatch(/stopped while waiting for the state lock/);
    });
  });

  it('with --poll-interval polls on its own and creates missing channels', async () => {
    const f = await fixture(tmp);
    server = startCli(['serve-webhook', '--port', String(f.port), '--poll-interval', '60'], f.env);
    await server.waitForStderr(/listening on/);
    await eventually(
      async () => {
        const state = await readState(f.dir);
        return (
          state.channels[f.calendar] !== undefined && state.calendars[f.calendar]?.lastSuccessAt !== undefined
        );
      },
      15_000,
      'a scheduled poll and a channel',
    );
    // The channel it created delivers to it.
    const event = emu.seedEvent(f.calendar, inOneHour('Scheduled'));
    await eventually(
      () => (emu.getEvent(f.calendar, event.id ?? '')?.attendees ?? []).some((a) => a.email === SHARED),
      10_000,
      'the invite',
    );
    const channel = (await readState(f.dir)).channels[f.calendar];
    expect(
      emu.deliveries.some((d) => d.channelId === channel?.id && d.state === 'exists' && d.status === 200),
    ).toBe(true);
  });
});
