import { createHash, randomBytes } from 'node:crypto';
import { auth, calendar } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarClientFor, googleError, startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const REDIRECT = 'http://127.0.0.1:8765/callback';
type AuthUrlOptions = NonNullable<Parameters<InstanceType<typeof auth.OAuth2>['generateAuthUrl']>[0]>;

let t: TestEmulator;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE, BOB] });
});
afterAll(async () => t.close());

async function tokenRequest(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.emu.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(params: Record<string, string>): Promise<Response> {
  const q = new URLSearchParams({
    client_id: t.emu.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'https://www.googleapis.com/auth/calendar',
    ...params,
  });
  return fetch(`${t.emu.url}/o/oauth2/v2/auth?${q.toString()}`, { redirect: 'manual' });
}

describe('token endpoint', () => {
  it('exchanges a refresh token for a Bearer access token valid 3599 s', async () => {
    const { refresh_token } = t.emu.authorizedUser(ALICE);
    const { status, body } = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token,
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/calendar',
    });
    expect(typeof body.access_token).toBe('string');
    expect(body.refresh_token).toBeUndefined();
  });

  it('answers a wrong client with 401 invalid_client', async () => {
    const { refresh_token } = t.emu.authorizedUser(ALICE);
    const wrongSecret = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token,
      client_id: t.emu.clientId,
      client_secret: 'nope',
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe('invalid_client');
    const unknown = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token,
      client_id: 'other.apps.googleusercontent.com',
      client_secret: t.emu.clientSecret,
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
  });

  it('answers a revoked refresh token with 400 invalid_grant "Token has been expired or revoked."', async () => {
    t.emu.addAccount('revoked@example.com');
    const user = t.emu.authorizedUser('revoked@example.com');
    t.emu.revokeRefreshTokens('revoked@example.com');
    const { status, body } = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: user.client_id,
      client_secret: user.client_secret,
    });
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });

    // The real client library surfaces the same body.
    const client = new auth.OAuth2({
      clientId: user.client_id,
      clientSecret: user.client_secret,
      endpoints: { oauth2TokenUrl: `${t.emu.url}/token` },
    });
    client.setCredentials({ refresh_token: user.refresh_token });
    const e = await googleError(() => client.getAccessToken());
    expect(e.status).toBe(400);
    expect(e.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('issues a new refresh token after a revocation when asked again', async () => {
    t.emu.addAccount('again@example.com');
    const before = t.emu.authorizedUser('again@example.com').refresh_token;
    t.emu.revokeRefreshTokens('again@example.com');
    const after = t.emu.authorizedUser('again@example.com').refresh_token;
    expect(after).not.toBe(before);
    const { items } = (await calendarClientFor(t.emu, 'again@example.com').calendarList.list()).data;
    expect(items?.[0]?.id).toBe('again@example.com');
  });
});

describe('bearer authentication', () => {
  it('answers a Calendar call without a token with 401 required "Login Required."', async () => {
    const res = await fetch(`${t.emu.url}/calendar/v3/users/me/calendarList`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: 401,
        message: 'Login Required.',
        errors: [
          {
            domain: 'global',
            reason: 'required',
            message: 'Login Required.',
            location: 'Authorization',
            locationType: 'header',
          },
        ],
        status: 'UNAUTHENTICATED',
      },
    });
  });

  it('answers an unknown or expired token with 401 authError', async () => {
    const res = await fetch(`${t.emu.url}/calendar/v3/users/me/calendarList`, {
      headers: { authorization: 'Bearer ya29.forged' },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { errors: { reason: string }[]; status: string } };
    expect(body.error.errors[0]?.reason).toBe('authError');
    expect(body.error.status).toBe('UNAUTHENTICATED');
  });

  it('stops accepting access tokens the emulator expired', async () => {
    const client = t.authFor(ALICE);
    const { token } = await client.getAccessToken();
    const ok = await fetch(`${t.emu.url}/calendar/v3/users/me/calendarList`, {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(ok.status).toBe(200);
    t.emu.expireAccessTokens(ALICE);
    const expired = await fetch(`${t.emu.url}/calendar/v3/users/me/calendarList`, {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(expired.status).toBe(401);
  });

  it('identifies the account by its bearer token', async () => {
    const { data } = await t.calendarFor(BOB).calendarList.list();
    expect(data.items?.map((c) => c.id)).toEqual([BOB]);
    expect(
      t.emu.requests.filter((r) => r.path === '/calendar/v3/users/me/calendarList' && r.status === 200).at(-1)
        ?.account,
    ).toBe(BOB);
  });
});

describe('authorization endpoint (loopback flow with PKCE)', () => {
  it('redirects with a code and the state; the code with its verifier yields a refresh token when prompt=consent', async () => {
    const { verifier, challenge } = pkce();
    const res = await authorize({
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code') ?? '';
    const { status, body } = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    expect(status).toBe(200);
    expect(typeof body.refresh_token).toBe('string');
    expect(body.token_type).toBe('Bearer');
    // A code works once.
    const reuse = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
  });

  it('omits the refresh token on a re-consent without prompt=consent', async () => {
    const { verifier, challenge } = pkce();
    const res = await authorize({
      state: 's2',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
    });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const { status, body } = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    expect(status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect(typeof body.access_token).toBe('string');
  });

  it('refuses a wrong code_verifier or a different redirect_uri', async () => {
    const { challenge } = pkce();
    const one = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    const code1 = new URL(one.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const bad = await tokenRequest({
      grant_type: 'authorization_code',
      code: code1,
      code_verifier: 'wrong',
      redirect_uri: REDIRECT,
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_grant');

    const p = pkce();
    const two = await authorize({ code_challenge: p.challenge, code_challenge_method: 'S256' });
    const code2 = new URL(two.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const mismatch = await tokenRequest({
      grant_type: 'authorization_code',
      code: code2,
      code_verifier: p.verifier,
      redirect_uri: 'http://127.0.0.1:9999/other',
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toBe('redirect_uri_mismatch');
  });

  it('redirects with error=access_denied when consent is denied', async () => {
    t.emu.consent = { mode: 'deny' };
    try {
      const res = await authorize({ state: 'd1' });
      const location = new URL(res.headers.get('location') ?? '');
      expect(res.status).toBe(302);
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('state')).toBe('d1');
      expect(location.searchParams.get('code')).toBeNull();
    } finally {
      t.emu.consent = { mode: 'approve' };
    }
  });

  /** Signs in through the authorization endpoint and returns whose primary calendar the token reads. */
  async function signedInAs(params: Record<string, string>): Promise<string | null | undefined> {
    const { verifier, challenge } = pkce();
    const res = await authorize({ code_challenge: challenge, code_challenge_method: 'S256', ...params });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const { body } = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: t.emu.clientId,
      client_secret: t.emu.clientSecret,
    });
    const client = new auth.OAuth2({ clientId: t.emu.clientId, clientSecret: t.emu.clientSecret });
    client.setCredentials({ access_token: String(body.access_token) });
    const api = calendar({ version: 'v3', auth: client, rootUrl: `${t.emu.url}/`, retry: false });
    // The primary calendar's id is the signed-in account's address (calendars.get reference: "primary").
    return (await api.calendars.get({ calendarId: 'primary' })).data.id;
  }

  it('signs in the account login_hint names; without a hint, or with a hint it does not know, the first account', async () => {
    expect(await signedInAs({ login_hint: BOB })).toBe(BOB);
    expect(await signedInAs({ login_hint: 'Bob@Example.com' })).toBe(BOB);
    expect(await signedInAs({})).toBe(ALICE);
    expect(await signedInAs({ login_hint: 'nobody@example.com' })).toBe(ALICE);
  });

  it('signs in the account a test picked, whatever login_hint asks (the person chose another on the chooser)', async () => {
    t.emu.consent = { mode: 'approve', account: ALICE };
    try {
      expect(await signedInAs({ login_hint: BOB })).toBe(ALICE);
    } finally {
      t.emu.consent = { mode: 'approve' };
    }
  });

  it('answers 400 for an unknown client or a redirect_uri that is not loopback', async () => {
    expect((await authorize({ client_id: 'stranger.apps.googleusercontent.com' })).status).toBe(400);
    expect((await authorize({ redirect_uri: 'https://evil.example.com/cb' })).status).toBe(400);
  });

  it('works end to end with google-auth-library (generateAuthUrl, getToken) for the chosen account', async () => {
    t.emu.consent = { mode: 'approve', account: BOB };
    try {
      const client = new auth.OAuth2({
        clientId: t.emu.clientId,
        clientSecret: t.emu.clientSecret,
        redirectUri: REDIRECT,
        endpoints: {
          oauth2TokenUrl: `${t.emu.url}/token`,
          oauth2AuthBaseUrl: `${t.emu.url}/o/oauth2/v2/auth`,
        },
      });
      const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
      const url = client.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        scope: ['https://www.googleapis.com/auth/calendar'],
        state: 'lib',
        code_challenge: codeChallenge,
        code_challenge_method: 'S256' as AuthUrlOptions['code_challenge_method'],
      });
      const res = await fetch(url, { redirect: 'manual' });
      const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const { tokens } = await client.getToken({ code, codeVerifier });
      expect(tokens.refresh_token).toBeTruthy();
      client.setCredentials({ refresh_token: tokens.refresh_token });
      const api = calendar({ version: 'v3', auth: client, rootUrl: `${t.emu.url}/`, retry: false });
      const { data } = await api.calendarList.list();
      expect(data.items?.find((c) => c.primary)?.id).toBe(BOB);
    } finally {
      t.emu.consent = { mode: 'approve' };
    }
  });
});

describe('token revocation', () => {
  // https://developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke:
  // POST https://oauth2.googleapis.com/revoke?token=…; 200 on success, 400 for a token
  // Google does not know; afterwards the grant is gone and refreshes answer invalid_grant.
  it('revoking a refresh token answers 200 and later refreshes answer 400 invalid_grant', async () => {
    t.emu.addAccount('leaving@example.com');
    const user = t.emu.authorizedUser('leaving@example.com');
    const client = new auth.OAuth2({
      clientId: user.client_id,
      clientSecret: user.client_secret,
      endpoints: { oauth2TokenUrl: `${t.emu.url}/token`, oauth2RevokeUrl: `${t.emu.url}/revoke` },
    });
    const res = await client.revokeToken(user.refresh_token);
    expect(res.status).toBe(200);
    const { status, body } = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: user.client_id,
      client_secret: user.client_secret,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('revoking a token Google does not know answers 400 invalid_token', async () => {
    const res = await fetch(`${t.emu.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: '1//never-issued' }).toString(),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error?: string }).error).toBe('invalid_token');
  });
});
