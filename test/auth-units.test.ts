import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth } from '@googleapis/calendar';
import { describe, expect, it } from 'vitest';
import { AuthError, ConfigError } from '../src/errors.js';
import { loopbackRedirectFor, parseClientSecrets, readClientSecrets } from '../src/google/client-secrets.js';
import { clearNeedsAuth, markNeedsAuth } from '../src/google/needs-auth.js';
import {
  authTimeoutMs,
  buildAuthUrl,
  CALENDAR_SCOPE,
  DEFAULT_AUTH_TIMEOUT_MS,
} from '../src/google/oauth-flow.js';
import { hasDesktop } from '../src/google/open-browser.js';
import { listTokenAccounts, readTokenFile, tokenPath, writeTokenFile } from '../src/google/token-store.js';
import { emptyState } from '../src/state/empty.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'calsync-auth-unit-'));
const user = {
  type: 'authorized_user' as const,
  client_id: 'cid.apps',
  client_secret: 'secret-abcdef',
  refresh_token: '1//refresh-xyz',
};

describe('client secrets file', () => {
  it('reads a Desktop ("installed") client and redirects to 127.0.0.1 on any port', () => {
    const s = parseClientSecrets(
      JSON.stringify({
        installed: { client_id: 'id1', client_secret: 'sec-123456', redirect_uris: ['http://localhost'] },
      }),
      'f.json',
    );
    expect(s).toEqual({
      kind: 'installed',
      clientId: 'id1',
      clientSecret: 'sec-123456',
      redirectUris: ['http://localhost'],
    });
    expect(loopbackRedirectFor(s, 'f.json', undefined)).toEqual({
      host: '127.0.0.1',
      port: 0,
      path: '/',
      fixedPort: false,
    });
    expect(loopbackRedirectFor(s, 'f.json', 8085)).toMatchObject({ port: 8085, fixedPort: true });
  });

  it('uses the registered loopback redirect URI of a web client exactly', () => {
    const s = parseClientSecrets(
      JSON.stringify({
        web: {
          client_id: 'id2',
          client_secret: 'sec-123456',
          redirect_uris: ['https://example.com/cb', 'http://localhost:8123/oauth2callback'],
        },
      }),
      'w.json',
    );
    expect(loopbackRedirectFor(s, 'w.json', undefined)).toEqual({
      host: 'localhost',
      port: 8123,
      path: '/oauth2callback',
      fixedPort: true,
    });
  });

  it('refuses a web client without a loopback redirect URI', () => {
    const s = parseClientSecrets(
      JSON.stringify({
        web: { client_id: 'id2', client_secret: 'sec-123456', redirect_uris: ['https://example.com/cb'] },
      }),
      'w.json',
    );
    expect(() => loopbackRedirectFor(s, 'w.json', undefined)).toThrow(/no loopback redirect URI/);
    expect(() => loopbackRedirectFor(s, 'w.json', undefined)).toThrow(ConfigError);
  });

  it('refuses invalid JSON, a file without a client, and a client without a secret, each with its own message', () => {
    expect(() => parseClientSecrets('{nope', 'a.json')).toThrow(/a\.json is not valid JSON/);
    expect(() => parseClientSecrets('{"other":{}}', 'b.json')).toThrow(
      /neither an "installed" nor a "web" client/,
    );
    expect(() => parseClientSecrets('{"installed":{"client_id":"x"}}', 'c.json')).toThrow(
      /lacks client_id or client_secret/,
    );
  });

  it('says a missing client secrets file does not exist', () => {
    expect(() => readClientSecrets('/nonexistent/client_secret.json')).toThrow(
      /client_secret\.json does not exist/,
    );
  });
});

describe('consent URL', () => {
  it('asks for offline calendar access with forced consent, PKCE S256 and our state', () => {
    const client = new auth.OAuth2({
      clientId: 'cid.apps',
      clientSecret: 'sec-123456',
      endpoints: {
        oauth2AuthBaseUrl: 'http://127.0.0.1:9/o/oauth2/v2/auth',
        oauth2TokenUrl: 'http://127.0.0.1:9/token',
      },
    });
    const url = new URL(
      buildAuthUrl(client, {
        redirectUri: 'http://127.0.0.1:4321/',
        state: 'st4te',
        codeChallenge: 'ch4llenge',
        account: 'a@example.com',
      }),
    );
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:9/o/oauth2/v2/auth');
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      client_id: 'cid.apps',
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      scope: CALENDAR_SCOPE,
      redirect_uri: 'http://127.0.0.1:4321/',
      state: 'st4te',
      code_challenge: 'ch4llenge',
      code_challenge_method: 'S256',
      login_hint: 'a@example.com',
    });
    expect(url.toString()).not.toContain('sec-123456');
  });

  it('waits 5 minutes by default and takes CALSYNC_AUTH_TIMEOUT_MS as an override', () => {
    expect(authTimeoutMs({})).toBe(DEFAULT_AUTH_TIMEOUT_MS);
    expect(DEFAULT_AUTH_TIMEOUT_MS).toBe(300_000);
    expect(authTimeoutMs({ CALSYNC_AUTH_TIMEOUT_MS: '1500' })).toBe(1500);
    expect(() => authTimeoutMs({ CALSYNC_AUTH_TIMEOUT_MS: 'soon' })).toThrow(
      /positive number of milliseconds/,
    );
  });

  it('opens a browser only on a desktop', () => {
    expect(hasDesktop({}, 'linux')).toBe(false);
    expect(hasDesktop({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(hasDesktop({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(hasDesktop({}, 'darwin')).toBe(true);
  });
});

describe('token files', () => {
  it('writes the authorized_user JSON 0600 in a 0700 directory, leaving no temp file', async () => {
    const dir = tmp();
    const file = await writeTokenFile(dir, 'a@example.com', user);
    expect(file).toBe(join(dir, 'tokens', 'a@example.com.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(user);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tokens')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, 'tokens'))).toEqual(['a@example.com.json']);
  });

  it('replaces an existing token and narrows a tokens directory others can enter', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'tokens'), { mode: 0o755 });
    chmodSync(join(dir, 'tokens'), 0o755);
    await writeTokenFile(dir, 'b', user);
    await writeTokenFile(dir, 'b', { ...user, refresh_token: '1//second-token' });
    expect(readTokenFile(dir, 'b').refresh_token).toBe('1//second-token');
    expect(statSync(join(dir, 'tokens')).mode & 0o777).toBe(0o700);
  });

  it('refuses a token file readable by group or others, with the chmod hint', async () => {
    const dir = tmp();
    const file = await writeTokenFile(dir, 'c', user);
    chmodSync(file, 0o644);
    expect(() => readTokenFile(dir, 'c')).toThrow(ConfigError);
    try {
      readTokenFile(dir, 'c');
    } catch (err) {
      expect((err as ConfigError).hint).toBe(`run: chmod 600 ${file}`);
    }
  });

  it('reports a missing token as an AuthError that says how to sign in', () => {
    const dir = tmp();
    let caught: unknown;
    try {
      readTokenFile(dir, 'nobody@example.com');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AuthError);
    expect((caught as AuthError).hint).toBe(
      'run: calsync auth nobody@example.com --client-secrets <client_secret.json>',
    );
  });

  it('refuses account names that are not safe file names', async () => {
    const dir = tmp();
    for (const bad of ['../x', 'a/b', '.hidden', '', 'en.usa#holiday']) {
      expect(() => tokenPath(dir, bad)).toThrow(/not a safe file name/);
    }
    await expect(writeTokenFile(dir, '../escape', user)).rejects.toThrow(ConfigError);
  });

  it('lists the accounts that have token files, ignoring other files', async () => {
    const dir = tmp();
    expect(listTokenAccounts(dir)).toEqual([]);
    await writeTokenFile(dir, 'z@example.com', user);
    await writeTokenFile(dir, 'a@example.com', user);
    writeFileSync(join(dir, 'tokens', 'notes.txt'), 'x');
    expect(listTokenAccounts(dir)).toEqual(['a@example.com', 'z@example.com']);
  });
});

describe('needs-auth mark in the state', () => {
  it('marks an account once, keeping when the trouble started, and clears it', () => {
    const state = emptyState();
    expect(markNeedsAuth(state, 'a', 'invalid_grant', new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(markNeedsAuth(state, 'a', 'invalid_grant', new Date('2026-01-02T00:00:00Z'))).toBe(false);
    expect(
      markNeedsAuth(
        state,
        'a',
        'invalid_grant: Token has been expired or revoked.',
        new Date('2026-01-03T00:00:00Z'),
      ),
    ).toBe(true);
    expect(state.accounts.a?.needsAuth).toEqual({
      since: '2026-01-01T00:00:00.000Z',
      reason: 'invalid_grant: Token has been expired or revoked.',
    });
    expect(clearNeedsAuth(state, 'a')).toBe(true);
    expect(state.accounts.a).toBeUndefined();
    expect(clearNeedsAuth(state, 'a')).toBe(false);
  });
});
