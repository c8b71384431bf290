import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import {
  cliEnv,
  consentRedirect,
  desktopClient,
  land,
  runCli,
  startCli,
  tempConfigDir,
  writeClientSecrets,
} from './auth-helpers.js';

const ACCOUNT = 'alice@example.com';
const OTHER = 'mallory@example.com';
let emu: Emulator;

/** Runs `calsync auth` and plays the browser with `tamper` applied to the redirect back. */
async function signInVia(dir: string, extraArgs: string[] = [], tamper: (u: URL) => void = () => undefined) {
  const secrets = writeClientSecrets(dir, desktopClient(emu));
  const cli = startCli(
    ['auth', ACCOUNT, '--client-secrets', secrets, '--no-browser', ...extraArgs],
    cliEnv(emu, dir),
  );
  const back = await consentRedirect(await cli.authUrl);
  tamper(back);
  const page = await land(back);
  return { page, result: await cli.done, back };
}

// One successful sign-in (at --verbose) that several tests inspect: spawning is the slow part.
let dir: string;
let signedIn: Awaited<ReturnType<typeof signInVia>>;
let requests: Emulator['requests'];

beforeAll(async () => {
  emu = await startEmulator();
  emu.addAccount(ACCOUNT);
  dir = tempConfigDir();
  signedIn = await signInVia(dir, ['--verbose']);
  requests = [...emu.requests];
});
afterAll(async () => {
  await emu.close();
});

describe('calsync auth (loopback flow against the emulator)', () => {
  it('signs in with --no-browser and writes a 0600 authorized_user token file in a 0700 directory', () => {
    const { page, result, back } = signedIn;
    expect(page.status).toBe(200);
    expect(page.body).toContain(`signed in as ${ACCOUNT}`);
    expect(result.code).toBe(0);
    expect(back.hostname).toBe('127.0.0.1');
    const port = back.port;
    expect(result.stdout).toContain(`ssh -L ${port}:127.0.0.1:${port} <server>`);
    const file = join(dir, 'tokens', `${ACCOUNT}.json`);
    expect(result.stdout).toContain(file);
    const token = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(token).toEqual({
      type: 'authorized_user',
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      refresh_token: expect.stringMatching(/^1\/\//) as unknown,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tokens')).mode & 0o777).toBe(0o700);
  });

  it('sends PKCE S256, offline access and forced consent, and proves the verifier at the token endpoint', () => {
    const authorize = requests.find((r) => r.path.endsWith('/o/oauth2/v2/auth'));
    expect(authorize?.query).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      scope: 'https://www.googleapis.com/auth/calendar',
    });
    const exchange = requests.find((r) => r.path.endsWith('/token'));
    expect(exchange?.status).toBe(200);
    expect(exchange?.body).toMatchObject({
      grant_type: 'authorization_code',
      code_verifier: expect.any(String) as unknown,
    });
  });

  it('refuses an answer whose state was tampered with, and still signs in with the real one after it', async () => {
    const dir = tempConfigDir();
    const secrets = writeClientSecrets(dir, desktopClient(emu));
    const cli = startCli(['auth', ACCOUNT, '--client-secrets', secrets, '--no-browser'], cliEnv(emu, dir));
    const back = await consentRedirect(await cli.authUrl);
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged');
    const refused = await land(forged);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('does not match');
    expect(existsSync(join(dir, 'tokens', `${ACCOUNT}.json`))).toBe(false);
    expect((await land(back)).status).toBe(200);
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/state that does not match this sign-in .*still waiting for the real one/);
    expect(existsSync(join(dir, 'tokens', `${ACCOUNT}.json`))).toBe(true);
  });

  it('reports access_denied from the consent screen: exit 1, one clear line, no token file', async () => {
    const dir = tempConfigDir();
    emu.consent = { mode: 'deny' };
    try {
      const { result } = await signInVia(dir);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        'calsync: access was denied on the Google consent screen (access_denied); no token was saved',
      ]);
      expect(existsSync(join(dir, 'tokens'))).toBe(false);
    } finally {
      emu.consent = { mode: 'approve' };
    }
  });

  it('refuses a sign-in as another account: exit 1, says who signed in and what to do, no token file', async () => {
    const dir = tempConfigDir();
    emu.addAccount(OTHER);
    emu.consent = { mode: 'approve', account: OTHER };
    try {
      const { result, page } = await signInVia(dir);
      // The browser says it too: refused, who signed in, and what to do (not "Signed in").
      expect(page.status).toBe(403);
      expect(page.body).toContain('Refused: another account signed in');
      expect(page.body).toContain(`calsync asked for ${ACCOUNT}, but ${OTHER} signed in`);
      expect(page.body).toContain('saved no token');
      expect(page.body).toContain(`Run calsync auth ${ACCOUNT} again and pick ${ACCOUNT}`);
      expect(page.body).not.toContain('<h1>Signed in');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`signed in as ${OTHER}, not ${ACCOUNT}; no token was saved`);
      expect(result.stderr).toContain(`pick ${ACCOUNT} on Google's account chooser`);
      expect(result.stderr).toContain('--allow-other-account');
      expect(existsSync(join(dir, 'tokens'))).toBe(false);
    } finally {
      emu.consent = { mode: 'approve' };
    }
  });

  it('keeps the token of another account with --allow-other-account, and says whose it is', async () => {
    const dir = tempConfigDir();
    emu.addAccount(OTHER);
    emu.consent = { mode: 'approve', account: OTHER };
    try {
      const { result } = await signInVia(dir, ['--allow-other-account']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`the token of ${ACCOUNT} (signed in as ${OTHER}) is in`);
      expect(existsSync(join(dir, 'tokens', `${ACCOUNT}.json`))).toBe(true);
    } finally {
      emu.consent = { mode: 'approve' };
    }
  });

  it('refuses a token answer without a refresh token: exit 1, one clear line, no token file', async () => {
    const dir = tempConfigDir();
    const secrets = writeClientSecrets(dir, desktopClient(emu));
    const cli = startCli(['auth', ACCOUNT, '--client-secrets', secrets, '--no-browser'], cliEnv(emu, dir));
    // Without prompt=consent Google (and the emulator) skip the refresh token on a repeat consent.
    const url = new URL(await cli.authUrl);
    url.searchParams.delete('prompt');
    await land(await consentRedirect(url.toString()));
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe(
      'calsync: Google answered without a refresh token, so calsync could not keep access; no token was saved',
    );
    expect(existsSync(join(dir, 'tokens'))).toBe(false);
  });

  it('refuses a "web" client without a loopback redirect URI before listening', async () => {
    const dir = tempConfigDir();
    const secrets = writeClientSecrets(dir, {
      web: {
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
        redirect_uris: ['https://calsync.example.com/cb'],
      },
    });
    const result = await runCli(
      ['auth', ACCOUNT, '--client-secrets', secrets, '--no-browser'],
      cliEnv(emu, dir),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(
      /^calsync: the "web" client in .*client_secret\.json has no loopback redirect URI/,
    );
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'tokens'))).toBe(false);
  });

  it('gives up after CALSYNC_AUTH_TIMEOUT_MS when the browser never comes back', async () => {
    const dir = tempConfigDir();
    const secrets = writeClientSecrets(dir, desktopClient(emu));
    const result = await runCli(
      ['auth', ACCOUNT, '--client-secrets', secrets, '--no-browser'],
      cliEnv(emu, dir, { CALSYNC_AUTH_TIMEOUT_MS: '300' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^calsync: no answer from the browser within 300 ms; no token was saved/);
    expect(existsSync(join(dir, 'tokens'))).toBe(false);
  });

  it('exits 2 on usage errors: no account, no --client-secrets', async () => {
    const dir = tempConfigDir();
    const noAccount = await runCli(['auth'], cliEnv(emu, dir));
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toMatch(/missing the account/);
    const noSecrets = await runCli(['auth', ACCOUNT], cliEnv(emu, dir));
    expect(noSecrets.code).toBe(2);
    expect(noSecrets.stderr).toMatch(/missing --client-secrets/);
  });

  it('says a missing client secrets file does not exist (exit 2: a bad flag)', async () => {
    const dir = tempConfigDir();
    const result = await runCli(
      ['auth', ACCOUNT, '--client-secrets', join(dir, 'nope.json'), '--no-browser'],
      cliEnv(emu, dir),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      `calsync: client secrets file ${join(dir, 'nope.json')} does not exist`,
    );
  });

  it('prints no refresh token, client secret, access token or code at --verbose', async () => {
    const { result, back } = signedIn;
    expect(result.code).toBe(0);
    const token = JSON.parse(readFileSync(join(dir, 'tokens', `${ACCOUNT}.json`), 'utf8')) as {
      refresh_token: string;
    };
    const list = await runCli(['auth', '--list', '--verbose'], cliEnv(emu, dir));
    expect(list.code).toBe(0);
    for (const out of [result.stdout, result.stderr, list.stdout, list.stderr]) {
      expect(out).not.toContain(token.refresh_token);
      expect(out).not.toContain(emu.clientSecret);
      expect(out).not.toContain('ya29.');
      expect(out).not.toContain(back.searchParams.get('code') ?? 'no code?');
    }
    expect(result.stderr).toContain('calsync debug:');
  });
});
