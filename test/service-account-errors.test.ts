/**
 * What the token endpoint's refusals of a service account turn into: one
 * AuthError each, with the one fix the admin needs. The answers are the
 * bodies of Google's "JWT error codes" table
 * (https://developers.google.com/identity/protocols/oauth2/service-account),
 * in the shape gaxios hands them over (`response.data`).
 */
import { describe, expect, it } from 'vitest';
import type { Settings } from '../src/config/types.js';
import { delegationError } from '../src/google/service-account.js';

const KEY = {
  type: 'service_account',
  client_email: 'calsync@p.iam.gserviceaccount.com',
  client_id: '123456789012345678901',
  private_key_id: 'k1',
  private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
};
const settings = {
  configDir: '/etc/calsync',
  serviceAccountKey: JSON.stringify(KEY),
  serviceAccountKeyFile: 'sa.json',
  delegatedDomains: ['team.test'],
} as Settings;

const answer = (error: string, error_description: string) => ({
  response: { status: 400, data: { error, error_description } },
});

describe('delegation errors', () => {
  it.each([
    [
      'unauthorized_client',
      'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      'does not grant calsync@p.iam.gserviceaccount.com the Calendar scope',
      'Domain-wide delegation, add client ID 123456789012345678901 with scope https://www.googleapis.com/auth/calendar',
    ],
    [
      'invalid_grant',
      'Invalid JWT Signature.',
      'key k1 of calsync@p.iam.gserviceaccount.com was deleted or disabled',
      'then replace /etc/calsync/sa.json',
    ],
    ['disabled_client', 'The OAuth client was disabled.', 'was deleted or disabled', 'create a new JSON key'],
    [
      'invalid_grant',
      'Invalid email or User ID',
      'a@team.test is not an active user of team.test',
      'admin.google.com > Directory > Users',
    ],
    [
      'invalid_grant',
      "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values in the JWT claim.",
      'out of date',
      'timedatectl set-ntp true',
    ],
  ])('%s "%s" says what happened and the fix', (code, description, message, hint) => {
    const err = delegationError(settings, 'a@team.test', answer(code, description));
    expect(err?.account).toBe('a@team.test');
    expect(err?.message).toContain(message);
    expect(err?.hint).toContain(hint);
  });

  it('a network error or a Calendar API error is not a delegation error', () => {
    expect(delegationError(settings, 'a@team.test', new Error('ECONNRESET'))).toBeUndefined();
    const apiError = { response: { status: 403, data: { error: { code: 403, message: 'Forbidden' } } } };
    expect(delegationError(settings, 'a@team.test', apiError)).toBeUndefined();
  });
});
