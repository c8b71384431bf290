/**
 * The emulator's JWT bearer grant (service accounts with domain-wide
 * delegation), driven through google-auth-library's real JWT client, the one
 * @googleapis/calendar bundles. Google's behaviour and error bodies:
 * https://developers.google.com/identity/protocols/oauth2/service-account
 * ("Preparing to make a delegated API call", "JWT error codes").
 */
import { auth, calendar } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceAccountKeyJson } from '../src/emulator/index.js';
import { startTestEmulator, type TestEmulator } from './helpers/emulator.js';

const SCOPE = 'https://www.googleapis.com/auth/calendar';
const ALICE = 'alice@example.com';
const CAROL = 'carol@example.com';
const OTHER = 'dave@other.org';

let t: TestEmulator;
let key: ServiceAccountKeyJson;

beforeAll(async () => {
  t = await startTestEmulator({ accounts: [ALICE, CAROL, OTHER] });
  key = t.emu.issueServiceAccountKey();
  t.emu.grantDomainDelegation('example.com', key.client_id);
});
afterAll(async () => t.close());

type JwtOptions = NonNullable<ConstructorParameters<typeof auth.JWT>[0]>;

/** The real JWT client, its token request sent to the emulator (gtoken's URL is fixed; see google/service-account.ts). */
function jwtClient(k: ServiceAccountKeyJson, opts: Partial<JwtOptions> = {}): InstanceType<typeof auth.JWT> {
  const client = new auth.JWT({ email: k.client_email, key: k.private_key, scopes: [SCOPE], ...opts });
  client.transporter.interceptors.request.add({
    resolved: (o) => {
      if (String(o.url) === 'https://oauth2.googleapis.com/token') o.url = new URL(`${t.emu.url}/token`);
      return Promise.resolve(o);
    },
  });
  return client;
}

/** The token endpoint's answer to a grant that must fail. */
async function refusal(client: InstanceType<typeof auth.JWT>): Promise<{ status?: number; body: unknown }> {
  try {
    await client.authorize();
  } catch (err) {
    const e = err as { response?: { status?: number; data?: unknown } };
    return { status: e.response?.status, body: e.response?.data };
  }
  throw new Error('expected the grant to fail');
}

describe('emulator JWT bearer grant', () => {
  it('issues a key file in the Cloud console format, with the emulator as token_uri', () => {
    expect(key.type).toBe('service_account');
    expect(key.client_email).toMatch(/@calsync-emulator\.iam\.gserviceaccount\.com$/);
    expect(key.client_id).toMatch(/^\d{21}$/);
    expect(key.private_key_id).toMatch(/^[0-9a-f]{40}$/);
    expect(key.private_key).toContain('-----BEGIN PRIVATE KEY-----');
    expect(key.token_uri).toBe(`${t.emu.url}/token`);
  });

  it('a delegated grant acts as the domain user: the Calendar API answers as that user', async () => {
    const api = calendar({
      version: 'v3',
      auth: jwtClient(key, { subject: ALICE }),
      rootUrl: `${t.emu.url}/`,
    });
    const res = await api.calendars.get({ calendarId: 'primary' });
    expect(res.data.id).toBe(ALICE);
  });

  it('a domain without a delegation grant for the client answers 401 unauthorized_client', async () => {
    const r = await refusal(jwtClient(key, { subject: OTHER }));
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: 'unauthorized_client',
      error_description:
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    });
  });

  it('a grant that lacks a scope asked for answers unauthorized_client; revoking the grant does too', async () => {
    const narrow = t.emu.issueServiceAccountKey({ name: 'narrow' });
    t.emu.grantDomainDelegation('example.com', narrow.client_id, [`${SCOPE}.readonly`]);
    expect((await refusal(jwtClient(narrow, { subject: ALICE }))).status).toBe(401);
    t.emu.grantDomainDelegation('example.com', narrow.client_id, [SCOPE]);
    await jwtClient(narrow, { subject: ALICE }).authorize();
    t.emu.revokeDomainDelegation('example.com', narrow.client_id);
    const r = await refusal(jwtClient(narrow, { subject: ALICE }));
    expect(r.body).toMatchObject({ error: 'unauthorized_client' });
  });

  it('an unknown or suspended user answers 400 invalid_grant "Invalid email or User ID"', async () => {
    const unknown = await refusal(jwtClient(key, { subject: 'nobody@example.com' }));
    expect(unknown).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' },
    });
    const suspendedKey = t.emu.issueServiceAccountKey({ name: 'suspend' });
    t.emu.grantDomainDelegation('example.com', suspendedKey.client_id);
    t.emu.addAccount('eve@example.com');
    await jwtClient(suspendedKey, { subject: 'eve@example.com' }).authorize();
    t.emu.suspendUser('eve@example.com');
    const r = await refusal(jwtClient(suspendedKey, { subject: 'eve@example.com' }));
    expect(r.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid email or User ID' });
  });

  it('a deleted key, or a key of another service account, answers "Invalid JWT Signature."', async () => {
    const doomed = t.emu.issueServiceAccountKey({ name: 'doomed' });
    t.emu.grantDomainDelegation('example.com', doomed.client_id);
    await jwtClient(doomed, { subject: ALICE }).authorize();
    t.emu.deleteServiceAccountKey(doomed.private_key_id);
    const deleted = await refusal(jwtClient(doomed, { subject: ALICE }));
    expect(deleted).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
    });
    const forged = await refusal(jwtClient({ ...key, private_key: doomed.private_key }, { subject: ALICE }));
    expect(forged.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
  });

  it('a disabled key answers 401 disabled_client', async () => {
    const off = t.emu.issueServiceAccountKey({ name: 'off' });
    t.emu.disableServiceAccountKey(off.private_key_id);
    const r = await refusal(jwtClient(off));
    expect(r).toEqual({
      status: 401,
      body: { error: 'disabled_client', error_description: 'The OAuth client was disabled.' },
    });
  });

  it('an unknown issuer answers invalid_grant "account not found"', async () => {
    const r = await refusal(
      jwtClient({ ...key, client_email: 'gone@calsync-emulator.iam.gserviceaccount.com' }),
    );
    expect(r.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid grant: account not found' });
  });

  it('an assertion living longer than an hour answers the short-lived token error', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2 * 3600;
    const r = await refusal(jwtClient(key, { subject: ALICE, additionalClaims: { exp } }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('Token must be a short-lived token (60 minutes)') as unknown,
    });
  });

  it("an audience other than Google's token URL answers the failed audience check", async () => {
    const r = await refusal(
      jwtClient(key, { subject: ALICE, additionalClaims: { aud: `${t.emu.url}/token` } }),
    );
    expect(r.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('Failed audience check') as unknown,
    });
  });

  it('no scope, or an unknown one, answers invalid_scope', async () => {
    const none = await refusal(jwtClient(key, { subject: ALICE, scopes: [] }));
    expect(none.body).toEqual({
      error: 'invalid_scope',
      error_description: 'Invalid OAuth scope or ID token audience provided.',
    });
    const unknown = await refusal(
      jwtClient(key, { subject: ALICE, scopes: ['https://www.googleapis.com/auth/nothing'] }),
    );
    expect(unknown.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('the request log names the impersonated user of a token request', async () => {
    t.emu.clearRequestLog();
    await jwtClient(key, { subject: CAROL }).authorize();
    const tokenRequests = t.emu.requests.filter((r) => r.path === '/token');
    expect(tokenRequests.map((r) => [r.account, r.status])).toEqual([[CAROL, 200]]);
  });
});
