/**
 * The OAuth2 client of a signed-in user (a token file): it starts from the
 * access token the previous process cached while that one is still good,
 * stores every token it refreshes for the next process, and on a 401
 * forgets the token, refreshes once and retries the call once.
 */
import { auth } from '@googleapis/calendar';
import type { Settings } from '../config/types.js';
import {
  ACCESS_TOKEN_MARGIN_MS,
  cacheRefreshedTokens,
  invalidateAccessToken,
  readAccessToken,
  userGrant,
} from './access-token-cache.js';
import { sendRefreshingOnce } from './refresh-once.js';
import { refuseForeignTokenAnswers } from './token-answer.js';
import type { AuthorizedUser } from './token-store.js';
import { TOKEN_REQUEST_TIMEOUT_MS } from './request-timeout.js';

type RequestOptions = Parameters<InstanceType<typeof auth.OAuth2>['request']>[0];

export class UserOAuthClient extends auth.OAuth2 {
  constructor(
    private readonly configDir: string,
    private readonly account: string,
    private readonly user: AuthorizedUser,
    settings: Pick<Settings, 'googleTokenUrl' | 'googleAuthUrl'>,
    useCachedToken: boolean,
    /** Ends a token request in flight (a stop: request-signals.ts); the Calendar calls carry their own. */
    signal?: AbortSignal,
  ) {
    super({
      clientId: user.client_id,
      clientSecret: user.client_secret,
      endpoints: { oauth2TokenUrl: settings.googleTokenUrl, oauth2AuthBaseUrl: settings.googleAuthUrl },
      // The library refreshes a token that expires within this margin, the same one the cache keeps.
      eagerRefreshThresholdMillis: ACCESS_TOKEN_MARGIN_MS,
      // The token request has no time-out of its own: a host that accepts and never answers would hold the poll.
      transporterOptions: { timeout: TOKEN_REQUEST_TIMEOUT_MS, ...(signal ? { signal } : {}) },
    });
    refuseForeignTokenAnswers(this.transporter, [settings.googleTokenUrl]);
    const grant = userGrant(user);
    const cached = useCachedToken ? readAccessToken(configDir, account, grant) : undefined;
    this.setCredentials({ refresh_token: user.refresh_token, ...cached });
    cacheRefreshedTokens(this, configDir, account, grant);
  }

  /** Every Calendar call goes through here: refresh-once.ts says why. */
  protected override async requestAsync<T>(opts: RequestOptions, reAuthRetried = false) {
    if (reAuthRetried) return super.requestAsync<T>(opts, true);
    return sendRefreshingOnce(
      this,
      this.account,
      () => super.requestAsync<T>(opts, true),
      async () => {
        await invalidateAccessToken(this.configDir, this.account);
        this.setCredentials({ refresh_token: this.user.refresh_token });
      },
    );
  }
}
