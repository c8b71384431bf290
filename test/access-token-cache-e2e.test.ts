import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { BIN } from './helpers/cli.js';
import { at, startWorld, type World } from './helpers/world.js';

const PACKAGE_DIR = resolve(import.meta.dirname, '..');

const ALICE = 'alice@example.test';
const CAROL = 'carol@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Requests the emulator received for one calendar (any method, any path under it). */
function requestsFor(w: World, calendarId: string): { method: string; path: string; status: number }[] {
  const prefix = `/calendar/v3/calendars/${calendarId}/`;
  return w.emu.requests.filter((r) => r.path.startsWith(prefix));
}

/** events.list calls of one calendar: the only request an idle poll needs per source. */
function listsOf(w: World, calendarId: string): number {
  return requestsFor(w, calendarId).filter((r) => r.method === 'GET' && r.path.endsWith('/events')).length;
}

const tokenRequests = (w: World): number => w.emu.requests.filter((r) => r.path === '/token').length;

const cacheFile = (w: World, account: string): string => join(w.cli.dir, 'tokens', `${account}.access.json`);

/**
 * The files of the modules a calsync run loaded, ES and CommonJS
 * (test/helpers/loaded-modules.mjs): run with `env`, then read `loaded()`.
 */
function moduleRecorder(w: World): { env: Record<string, string>; loaded: () => string[] } {
  const file = join(w.cli.dir, 'loaded-modules.txt');
  return {
    env: {
      NODE_OPTIONS: `--import ${join(import.meta.dirname, 'helpers', 'loaded-modules.mjs')}`,
      CALSYNC_TEST_LOADED_MODULES: file,
    },
    loaded: () => {
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      writeFileSync(file, '');
      return [...new Set(lines.map((l) => (l.startsWith('file:') ? fileURLToPath(l) : l)))];
    },
  };
}

/** The Google client library's modules among loaded paths. */
const library = (paths: string[]): string[] =>
  paths.filter((p) => /[/\\](@googleapis|googleapis-common|google-auth-library|gaxios)[/\\]/.test(p));

/** A world of two source calendars, synced twice so the next poll finds nothing to do. */
async function idleWorld(): Promise<World> {
  const w = await startWorld({ sources: [ALICE, CAROL] });
  for (const s of [ALICE, CAROL])
    w.emu.seedEvent(s, samples.meeting({ summary: `Own ${s}`, start: at(2, 9), end: at(2, 10) }));
  for (let i = 0; i < 2; i++) {
    const r = await w.cli.run(['poll']);
    expect(r.code, r.stderr).toBe(0);
  }
  w.emu.clearRequestLog();
  return w;
}

describe('access tokens are kept across processes', () => {
  it('an idle poll makes one events.list per source calendar and no token request while tokens are valid', async () => {
    world = await idleWorld();
    const r = await world.cli.run(['poll']);
    expect(r.code, r.stderr).toBe(0);
    for (const source of [ALICE, CAROL]) {
      // One request per source calendar, and it is the listing (counted so, a shared-calendar
      // listing some poll may add for invitation delivery does not change this count).
      expect(requestsFor(world, source), source).toHaveLength(1);
      expect(listsOf(world, source), source).toBe(1);
    }
    expect(tokenRequests(world)).toBe(0);
  });

  it('the cached token file is 0600 and holds the token the emulator issued, never a refresh token', async () => {
    world = await idleWorld();
    const file = cacheFile(world, ALICE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const cached = JSON.parse(text) as { access_token: string; expiry_date: number };
    expect(cached.access_token).toMatch(/^ya29\./);
    expect(cached.expiry_date).toBeGreaterThan(Date.now());
    expect(text).not.toContain(world.emu.authorizedUser(ALICE).refresh_token);
  });

  it('a token Google answers 401 to is refreshed once per account and the call retried', async () => {
    world = await idleWorld();
    world.emu.expireAccessTokens();
    const r = await world.cli.run(['poll']);
    expect(r.code, r.stderr).toBe(0);
    expect(tokenRequests(world)).toBe(2);
    for (const source of [ALICE, CAROL]) {
      const statuses = requestsFor(world, source).map((q) => q.status);
      expect(statuses, source).toEqual([401, 200]);
    }
    // The refreshed tokens were stored: the poll after that needs none.
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(tokenRequests(world)).toBe(0);
  });

  it('a torn or foreign cached token file is treated as missing: one refresh, then a good file', async () => {
    world = await idleWorld();
    writeFileSync(cacheFile(world, ALICE), '{"access_token":"ya29.half', { mode: 0o600 });
    writeFileSync(
      cacheFile(world, CAROL),
      JSON.stringify({ access_token: 'ya29.other', expiry_date: Date.now() + 3_000_000, grant: 'other' }),
      { mode: 0o600 },
    );
    const r = await world.cli.run(['poll']);
    expect(r.code, r.stderr).toBe(0);
    expect(tokenRequests(world)).toBe(2);
    expect(listsOf(world, ALICE)).toBe(1);
    expect(listsOf(world, CAROL)).toBe(1);
    for (const account of [ALICE, CAROL])
      expect(() => JSON.parse(readFileSync(cacheFile(world!, account), 'utf8')) as unknown).not.toThrow();
  });

  it('two polls started together (timer and webhook) both succeed and leave a cache the next poll uses', async () => {
    world = await startWorld({ sources: [ALICE, CAROL] });
    const [a, b] = await Promise.all([world.cli.run(['poll']), world.cli.run(['poll'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    world.emu.clearRequestLog();
    expect((await world.cli.run(['poll'])).code).toBe(0);
    expect(tokenRequests(world)).toBe(0);
  });

  it('a revoked refresh token still asks for sign-in while an access token is cached (poll and health-check)', async () => {
    world = await idleWorld();
    world.emu.revokeRefreshTokens(CAROL);
    const r = await world.cli.run(['poll']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/calsync auth carol@example\.test/);
    expect(world.state()?.accounts[CAROL]?.needsAuth).toBeDefined();
    const health = await world.cli.run(['health-check', '--no-alert']);
    expect(health.code, health.stdout).toBe(2);
    expect(health.stdout).toMatch(/CRITICAL/);
    expect(health.stdout).toMatch(/calsync auth carol@example\.test/);
  });

  it('an idle poll loads neither the client library nor commander, and few files; a poll with a change loads the library', async () => {
    world = await idleWorld();
    const { env, loaded } = moduleRecorder(world);

    // The recorder sees commander where it is loaded: every command line but a timer's poll.
    expect((await world.cli.run(['--version'], env)).code).toBe(0);
    expect(loaded().some((p) => /[/\\]commander[/\\]/.test(p))).toBe(true);

    const idle = await world.cli.run(['poll'], env);
    expect(idle.code, idle.stderr).toBe(0);
    const files = loaded();
    expect(library(files)).toEqual([]);
    expect(files.filter((p) => /[/\\]commander[/\\]/.test(p))).toEqual([]);
    expect(listsOf(world, ALICE)).toBe(1);
    // calsync's own code comes from the bundle, in a few files (scripts/bundle.mjs).
    const own = files.filter((p) => p.startsWith(PACKAGE_DIR) && !p.includes('node_modules'));
    expect(own.filter((p) => !p.startsWith(join(PACKAGE_DIR, 'dist', 'bundle')))).toEqual([BIN]);
    expect(own.length).toBeLessThanOrEqual(5);

    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'New', start: at(3, 9), end: at(3, 10) }));
    const busy = await world.cli.run(['poll'], env);
    expect(busy.code, busy.stderr).toBe(0);
    expect(library(loaded()).length).toBeGreaterThan(0);
    const invited = world.emu.listEvents(ALICE).find((e) => e.summary === 'New');
    expect(invited?.attendees?.length).toBe(1);
  });

  it('behind a proxy, or after a listing got no answer, the client library lists (it knows proxies and retries)', async () => {
    world = await idleWorld();
    const { env: hook, loaded } = moduleRecorder(world);
    const libraryLoaded = () => library(loaded()).length > 0;
    // The emulator is local, so NO_PROXY lets the library reach it; the plain request steps aside all the same.
    const proxied = await world.cli.run(['poll'], {
      ...hook,
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
    });
    expect(proxied.code, proxied.stderr).toBe(0);
    expect(libraryLoaded()).toBe(true);
    expect(tokenRequests(world)).toBe(0);

    world.emu.clearRequestLog();
    world.emu.injectFaults({
      method: 'GET',
      pathIncludes: `/calendars/${ALICE}/events`,
      drop: true,
      times: 1,
    });
    const dropped = await world.cli.run(['poll'], hook);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(libraryLoaded()).toBe(true);
    // The dropped plain listing, then the library's retry; the token was good, so no refresh.
    expect(requestsFor(world, ALICE).map((r) => r.status)).toEqual([0, 200]);
    expect(tokenRequests(world)).toBe(0);
  });

  it('the cached token file is not listed as an account', async () => {
    world = await idleWorld();
    const r = await world.cli.run(['auth', '--list', '--json']);
    expect(r.stdout).toContain(ALICE);
    expect(r.stdout).not.toContain('.access');
  });
});
