/**
 * An access token can stop working before it expires (a password change, a
 * security event, Google rotating sessions): Calendar calls then answer 401
 * "Invalid Credentials" while the refresh token is still good. The OAuth2
 * client does not refresh on its own then (it trusts the token's expiry), so
 * the caller drops the token and retries the call once: the retry refreshes.
 */
import type { OAuthClient } from './auth.js';
import { classifyGoogleError } from './google-error.js';

/** A Calendar answer that says the access token sent is no longer valid. */
export function isRejectedAccessToken(err: unknown): boolean {
  return classifyGoogleError(err).status === 401;
}

/**
 * Forgets the client's access token, keeping its refresh token, so the next
 * request refreshes first. `usedToken` is the token the failed call sent: when
 * another call already replaced it, the new one is kept (no second refresh).
 */
export function dropAccessToken(client: OAuthClient, usedToken: string | null | undefined): void {
  const { access_token: current, refresh_token } = client.credentials;
  if (usedToken !== undefined && current !== usedToken) return;
  client.setCredentials({ refresh_token });
}
