/**
 * Something other than Google's API answers (a wrong API root, a proxy's
 * page): a 404 from it is not "the token cannot see the calendar". The
 * calendar fails with what came from which host, and the poll exits 1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** A web server that answers every request with its own 404 page. */
async function notFoundPages(): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body><h1>Not Found</h1></body></html>');
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface JsonReport {
  calendars: { calendarId: string; error?: string; hint?: string }[];
}

describe('an API root that is not Google (built binary)', () => {
  it('its 404 page is reported as what it is, from where, never as a calendar the token cannot see', async () => {
    world = await startWorld({ sources: [ALICE] });
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'standup', start: at(2, 9), end: at(2, 10) }));
    const first = await world.cli.run(['poll']);
    expect(first.code, first.stderr).toBe(0);
    const before = world.state()?.calendars[ALICE]?.syncToken;
    const host = await notFoundPages();
    const env = { CALSYNC_GOOGLE_API_ROOT: `http://${host}/` };
    const expected = `an answer that is not Google's: HTTP 404 (text/html) from http://${host}/calendar/v3/calendars/alice%40example.test/events`;

    const res = await world.cli.run(['poll', '--json'], env);
    expect(res.code, res.stderr).toBe(1);
    const cal = (JSON.parse(res.stdout) as JsonReport).calendars[0];
    expect(cal?.error).toBe(expected);
    expect(cal?.hint).toContain('googleApiRoot');
    expect(world.state()?.calendars[ALICE]?.syncToken).toBe(before);

    const table = await world.cli.run(['poll'], env);
    expect(table.code).toBe(1);
    const out = table.stdout + table.stderr;
    expect(out).toContain(expected);
    expect(out).not.toContain('cannot see');
    expect(out).not.toContain('<html>');
    expect(out).not.toMatch(/:\/\/\S*\?/);
  });
});
