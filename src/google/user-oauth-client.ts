/**
 * The OAuth2 client of a signed-in user (a token file): it starts from the
 * access token the previous process cached while that one is still good,
 * stores every token it refreshes for the next process, and on a 401
 * forgets the token, refreshes once and retries the call once.
 */
import { auth } from '@googleapis/calendar';
import type { Settings } from '../config/types.js';
import { log, registerSecret } from '../util/log.js';
import {
  ACCESS_TOKEN_MARGIN_MS,
  invalidateAccessToken,
  readAccessToken,
  writeAccessToken,
} from './access-token-cache.js';
import type { AuthorizedUser } from './token-store.js';

type RequestOptions = Parameters<InstanceType<typeof auth.OAuth2>['request']>[0];

function statusOf(err: unknown): number | undefined {
  const status = (err as { response?: { status?: unknown } } | null)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

export class UserOAuthClient extends auth.OAuth2 {
  constructor(
    private readonly configDir: string,
    private readonly account: string,
    private readonly user: AuthorizedUser,
    settings: Pick<Settings, 'googleTokenUrl' | 'googleAuthUrl'>,
    useCachedToken: boolean,
  ) {
    super({
      clientId: user.client_id,
      clientSecret: user.client_secret,
      endpoints: { oauth2TokenUrl: settings.googleTokenUrl, oauth2AuthBaseUrl: settings.googleAuthUrl },
      // The library refreshes a token that expires within this margin, the same one the cache keeps.
      eagerRefreshThresholdMillis: ACCESS_TOKEN_MARGIN_MS,
    });
    const cached = useCachedToken ? readAccessToken(configDir, account, user) : undefined;
    this.setCredentials({ refresh_token: user.refresh_token, ...cached });
    this.on('tokens', (tokens) => {
      // Access tokens never reach a log line either.
      registerSecret(tokens.access_token ?? undefined);
      if (!tokens.access_token || typeof tokens.expiry_date !== 'number') return;
      const token = { access_token: tokens.access_token, expiry_date: tokens.expiry_date };
      // Fire and forget: the pending write keeps the process alive until it is done; failing it costs one refresh later.
      writeAccessToken(configDir, account, user, token).catch((err: unknown) =>
        log.debug(`could not cache the access token of ${account}: ${(err as Error).message}`),
      );
    });
  }

  /**
   * Every Calendar call goes through here. A 401 means the access token is no
   * longer good (revoked, or the cache outlived it): refresh once, retry once.
   * Only 401: the library's own retry would also refresh on any 403, a rate
   * limit among them, and resend at once, past calsync's pacing.
   */
  protected override async requestAsync<T>(opts: RequestOptions, reAuthRetried = false) {
    // The token this call sends, refreshed first when missing or expiring. Out of the try: a
    // refused refresh (invalid_grant, or a 401 for a deleted OAuth client) is not a call to retry.
    await this.getAccessToken();
    const sent = this.credentials.access_token;
    try {
      return await super.requestAsync<T>(opts, true);
    } catch (err) {
      if (reAuthRetried || statusOf(err) !== 401) throw err;
      // Calls that ran side by side got the same 401: the first one refreshes, the others use its token.
      if (this.credentials.access_token === sent) {
        log.debug(`${this.account}: access token refused (401); refreshing it once`);
        await invalidateAccessToken(this.configDir, this.account);
        this.setCredentials({ refresh_token: this.user.refresh_token });
      }
      // A refused refresh (invalid_grant) surfaces from here as it always did.
      await this.getAccessToken();
      return super.requestAsync<T>(opts, true);
    }
  }
}
