/**
 * The one 401 path of every Calendar call, shared by the signed-in user's
 * OAuth2 client and the service account's JWT client: a 401 means the access
 * token is no longer good (revoked, or a cached one outlived its grant), so
 * refresh once and retry once. Only 401: the library's own retry would also
 * refresh on any 403, a rate limit among them, and resend at once, past
 * calsync's pacing (and its JWT client does not retry at all).
 */
import { log } from '../util/log.js';
import { markTokenFailure } from './token-request.js';

/** What the path needs of a google-auth-library client. */
export interface RefreshableClient {
  credentials: { access_token?: string | null };
  getAccessToken(): Promise<unknown>;
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { response?: { status?: unknown } } | null)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Sends a call with the client's token (refreshed first when missing or
 * expiring: out of the try, a refused refresh is not a call to retry). On a
 * 401, `forget` drops the token (and its cached copy) unless a call that ran
 * side by side already replaced it; then one refresh, one retry. A refused
 * refresh (invalid_grant, unauthorized_client) surfaces as it always did.
 */
export async function sendRefreshingOnce<T>(
  client: RefreshableClient,
  account: string,
  send: () => Promise<T>,
  forget: () => Promise<void>,
): Promise<T> {
  await refresh(client);
  const sent = client.credentials.access_token;
  try {
    return await send();
  } catch (err) {
    if (statusOf(err) !== 401) throw err;
    if (client.credentials.access_token === sent) {
      log.debug(`${account}: access token refused (401); refreshing it once`);
      await forget();
    }
    await refresh(client);
    return send();
  }
}

/** The token request, its failure marked as such (token-request.ts): the call itself was never sent. */
async function refresh(client: RefreshableClient): Promise<void> {
  try {
    await client.getAccessToken();
  } catch (err) {
    throw markTokenFailure(err);
  }
}
