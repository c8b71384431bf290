/**
 * The token endpoint answers, but not with a token: a proxy's 404 page, a
 * captive portal's 200 page, Google's own 500. The calendar's error (the
 * poll's report, `calsync status`, health-check) names the token refresh and
 * its host, never a raw library error or page; the hint names googleTokenUrl,
 * not the API root; and health-check says what the endpoint answered
 * instead of "could not reach" it (built binary).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
let server: Server | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A token endpoint that answers every request the same way. */
async function tokenEndpoint(status: number, type: string, body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A world synced once, its cached access tokens gone: the next call refreshes first. */
async function needsRefresh(): Promise<World> {
  const w = await startWorld({ sources: [ALICE] });
  w.emu.seedEvent(ALICE, samples.meeting({ summary: 'standup', start: at(2, 9), end: at(2, 10) }));
  const first = await w.cli.run(['poll']);
  expect(first.code, first.stderr).toBe(0);
  const dir = join(w.cli.dir, 'tokens');
  for (const f of readdirSync(dir)) if (f.endsWith('.access.json')) rmSync(join(dir, f));
  return w;
}

interface JsonReport {
  calendars: { calendarId: string; error?: string; hint?: string }[];
  delivery: { error?: string };
}

const TOKEN_HINT = 'calsync config get googleTokenUrl';

describe('a token endpoint that answers without a token (built binary)', () => {
  it("a proxy's 404 page: the token refresh is named, and the hint is googleTokenUrl, not the API root", async () => {
    world = await needsRefresh();
    const host = await tokenEndpoint(404, 'text/html', '<html><body>Not Found</body></html>');
    const env = { CALSYNC_GOOGLE_TOKEN_URL: `http://${host}/token` };
    const expected = `token refresh at ${host}: an answer that is not Google's: HTTP 404 (text/html) from http://${host}/token`;

    const res = await world.cli.run(['poll', '--json'], env);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.calendars[0]?.error).toBe(expected);
    expect(report.calendars[0]?.hint).toContain(TOKEN_HINT);
    expect(report.calendars[0]?.hint).not.toContain('googleApiRoot');
    expect(report.delivery.error).toContain(expected);
    expect(res.stdout + res.stderr).not.toContain('<html>');

    const health = await world.cli.run(['health-check', '--no-alert'], env);
    expect(health.stdout).toContain(
      `${ALICE}: the token refresh at ${host} got an answer that is not Google's`,
    );
    expect(health.stdout).toContain(TOKEN_HINT);
    expect(health.stdout).not.toContain('could not reach');

    const list = await world.cli.run(['auth', '--list'], env);
    expect(list.stdout).toContain(`the token refresh at ${host} got an answer that is not Google's`);
    expect(list.stdout).toContain(TOKEN_HINT);
    expect(list.stdout).not.toContain('did not answer');
  });

  it("a captive portal's 200 page: says the token refresh got an answer that is not Google's, never the library's TypeError", async () => {
    world = await needsRefresh();
    const host = await tokenEndpoint(
      200,
      'text/html',
      '<html><body>Sign in to the hotel Wi-Fi</body></html>',
    );
    const env = { CALSYNC_GOOGLE_TOKEN_URL: `http://${host}/token` };
    const expected = `token refresh at ${host}: an answer that is not Google's: HTTP 200 (text/html) from http://${host}/token`;

    const res = await world.cli.run(['poll', '--json'], env);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.calendars[0]?.error).toBe(expected);
    expect(report.calendars[0]?.hint).toContain(TOKEN_HINT);
    const all = res.stdout + res.stderr;
    expect(all).not.toContain('Cannot create property');
    expect(all).not.toContain('<html>');

    const status = await world.cli.run(['status'], env);
    expect(status.stdout).toContain(`FAILED: ${expected}`);
    const health = await world.cli.run(['health-check', '--no-alert'], env);
    expect(health.stdout).toContain(
      `${ALICE}: the token refresh at ${host} got an answer that is not Google's: HTTP 200`,
    );
    expect(health.stdout + health.stderr).not.toContain('Cannot create property');
  });

  it("Google's 500: the calendar's error, status and health name the token refresh and its host", async () => {
    world = await needsRefresh();
    const host = await tokenEndpoint(500, 'application/json', '{"error":"internal_failure"}');
    const env = { CALSYNC_GOOGLE_TOKEN_URL: `http://${host}/token` };
    const expected = `token refresh at ${host}: 500 internal_failure`;

    const res = await world.cli.run(['poll', '--json'], env);
    expect(res.code, res.stderr).toBe(1);
    expect((JSON.parse(res.stdout) as JsonReport).calendars[0]?.error).toBe(expected);
    expect(world.state()?.calendars[ALICE]?.lastError).toBe(expected);

    const status = await world.cli.run(['status'], env);
    expect(status.stdout).toContain(`FAILED: ${expected}`);
    const health = await world.cli.run(['health-check', '--no-alert'], env);
    expect(health.stdout).toContain(`last poll failed`);
    expect(health.stdout).toContain(expected);
    expect(health.stdout).toContain(
      `${ALICE}: the OAuth token endpoint ${host} answered the token refresh with 500 internal_failure`,
    );
    expect(health.stdout).not.toContain('could not reach');
  }, 90_000);
});
