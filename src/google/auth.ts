/**
 * An account's credentials: the OAuth2 client built from its token file,
 * which account serves which calendar, and what a revoked token looks like.
 * Token files themselves live in token-store.ts; the sign-in flow in
 * oauth-flow.ts.
 */
import type { auth } from '@googleapis/calendar';
import { isDelegatedAccount } from '../config/delegation.js';
import type { Settings } from '../config/types.js';
import { AuthError } from '../errors.js';
import { tokenProblem, type TokenProblem } from './failure-text.js';
import { checkDelegatedAccount, delegatedAuth, delegationError } from './service-account.js';
import { readTokenFile, reauthHint } from './token-store.js';
import { UserOAuthClient } from './user-oauth-client.js';

export {
  assertSafeAccountName,
  readTokenFile,
  reauthHint,
  tokenPath,
  type AuthorizedUser,
} from './token-store.js';
export { clearNeedsAuth, markNeedsAuth } from './needs-auth.js';
export { invalidateAccessToken } from './access-token-cache.js';
export { accountFor, sharedAccount } from './accounts.js';

export interface AccountAuthOptions {
  /** false: refresh at the first call whatever access token is cached. */
  cachedToken?: boolean;
  /** Ends a token request in flight (a stop: request-signals.ts). */
  signal?: AbortSignal;
}

/** The OAuth2 client bundled with @googleapis/calendar (google-auth-library 10). */
export type OAuthClient = InstanceType<typeof auth.OAuth2>;

/**
 * An account's auth client, refreshing against the configured token URL.
 * For an account of a delegated domain, the service account's JWT client (a
 * subclass of OAuth2Client) acting as it. Else an OAuth2 client from its token
 * file, starting from the access token cached by an earlier process while that
 * is valid (access-token-cache.ts); `cachedToken: false` refreshes at the first
 * call whatever is cached (a check that the refresh token works).
 */
export function loadAccountAuth(
  settings: Settings,
  account: string,
  opts: AccountAuthOptions = {},
): OAuthClient {
  if (isDelegatedAccount(settings, account)) return delegatedAuth(settings, account, opts);
  const user = readTokenFile(settings.configDir, account);
  return new UserOAuthClient(
    settings.configDir,
    account,
    user,
    settings,
    opts.cachedToken !== false,
    opts.signal,
  );
}

/** The OAuth error code in a token endpoint answer (`{"error":"invalid_grant",…}`), if any. */
export function oauthErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const data = (err as { response?: { data?: unknown } }).response?.data;
  if (typeof data === 'object' && data !== null) {
    const code = (data as { error?: unknown }).error;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** Google answers a revoked or expired refresh token with 400 invalid_grant. */
export function isInvalidGrant(err: unknown): boolean {
  if (oauthErrorCode(err) === 'invalid_grant') return true;
  if (typeof err !== 'object' || err === null) return false;
  const message = (err as { message?: unknown }).message;
  // gaxios uses the body's `error` as the message when the body is not at hand.
  return typeof message === 'string' && message.includes('invalid_grant');
}

/**
 * The AuthError for a revoked or expired refresh token (invalid_grant, e.g.
 * from a GaxiosError thrown by any Calendar call that had to refresh), or
 * undefined for every other error.
 */
export function toAuthError(account: string, err: unknown): AuthError | undefined {
  if (err instanceof AuthError) return err;
  if (!isInvalidGrant(err)) return undefined;
  return new AuthError(
    account,
    `the refresh token of ${account} was revoked or has expired (invalid_grant)`,
    {
      hint: reauthHint(account),
      cause: err,
    },
  );
}

/**
 * The AuthError for a Calendar call that failed because the account's
 * credential was refused (the refresh token, or the service account's grant),
 * or undefined for every other error.
 */
export function credentialError(settings: Settings, account: string, err: unknown): AuthError | undefined {
  return isDelegatedAccount(settings, account)
    ? delegationError(settings, account, err)
    : toAuthError(account, err);
}

/** Whether an account's token refreshes right now. */
export type TokenStatus = 'ok' | 'revoked' | 'missing' | 'unreachable';

/**
 * Refreshes the account's token once against the token endpoint. 'missing'
 * when there is no token file; 'revoked' when the endpoint refuses it (400/401:
 * invalid_grant, a deleted OAuth client); 'unreachable' on a network error or
 * a 5xx/429 (try again later). A token file readable by others or not valid
 * throws its ConfigError: that needs the user, not a retry.
 */
export async function checkAccountToken(settings: Settings, account: string): Promise<TokenStatus> {
  return (await checkAccountTokenDetail(settings, account)).status;
}

/** The check with what the endpoint did when it was neither ok nor a refusal (`problem`, with 'unreachable'). */
export interface TokenCheck {
  status: TokenStatus;
  problem?: TokenProblem;
}

export async function checkAccountTokenDetail(settings: Settings, account: string): Promise<TokenCheck> {
  if (isDelegatedAccount(settings, account)) return checkDelegatedAccount(settings, account);
  let client: OAuthClient;
  try {
    // A cached access token says nothing about the refresh token: ask the endpoint.
    client = loadAccountAuth(settings, account, { cachedToken: false });
  } catch (err) {
    if (err instanceof AuthError) return { status: 'missing' };
    throw err;
  }
  try {
    await client.getAccessToken();
    return { status: 'ok' };
  } catch (err) {
    if (isInvalidGrant(err)) return { status: 'revoked' };
    const status = (err as { status?: unknown; response?: { status?: unknown } }).response?.status;
    if (status === 400 || status === 401) return { status: 'revoked' };
    return { status: 'unreachable', problem: tokenProblem(err, settings.googleTokenUrl) };
  }
}
