/**
 * Workspace domain-wide delegation: one service account key, and a JWT client
 * per impersonated account (`subject`), built on google-auth-library's JWT,
 * the one @googleapis/calendar bundles. Google's token endpoint answers for
 * each failure are turned into an AuthError whose hint is the one thing the
 * admin must do (https://developers.google.com/identity/protocols/oauth2/service-account,
 * "JWT error codes").
 */
import { auth } from '@googleapis/calendar';
import { accountDomain, keyFilePath } from '../config/delegation.js';
import { parseServiceAccountKey, type ServiceAccountKey } from '../config/service-account-key.js';
import type { Settings } from '../config/types.js';
import { AuthError, ConfigError } from '../errors.js';
import {
  ACCESS_TOKEN_MARGIN_MS,
  cacheRefreshedTokens,
  invalidateAccessToken,
  readAccessToken,
  serviceAccountGrant,
} from './access-token-cache.js';
import { tokenProblem, type TokenProblem } from './failure-text.js';
import { sendRefreshingOnce } from './refresh-once.js';
import { refuseForeignTokenAnswers } from './token-answer.js';
import { TOKEN_REQUEST_TIMEOUT_MS } from './request-timeout.js';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';

/**
 * gtoken (under JWT) posts to this URL and puts it in the assertion's `aud`,
 * with no option to change either (gtoken 8, src/index.ts). Google requires
 * exactly this audience, so it stays; only the request goes elsewhere when
 * CALSYNC_GOOGLE_TOKEN_URL says so (the emulator, a proxy).
 */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

type RequestOptions = Parameters<InstanceType<typeof auth.JWT>['request']>[0];

/** The credentials the JWT client starts from: none, so the first call asks for a token. */
const NO_TOKEN = { refresh_token: 'jwt-placeholder', expiry_date: 1 };

/**
 * The service account acting as one user (a JWT client, itself a subclass of
 * the OAuth2 client the Calendar client accepts). Like a signed-in user's
 * client, it starts from the access token an earlier process cached for the
 * same key and subject, caches every token it gets, and on a 401 gets a new
 * one once: a poll every few minutes need not sign a grant each time.
 */
export class ServiceAccountClient extends auth.JWT {
  constructor(
    private readonly configDir: string,
    private readonly account: string,
    key: ServiceAccountKey,
    useCachedToken: boolean,
    /** Ends a token request in flight (a stop: request-signals.ts); the Calendar calls carry their own. */
    signal?: AbortSignal,
  ) {
    super({
      email: key.client_email,
      key: key.private_key,
      ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
      scopes: [CALENDAR_SCOPE],
      subject: account,
      eagerRefreshThresholdMillis: ACCESS_TOKEN_MARGIN_MS,
      // The token request has no time-out of its own: a host that accepts and never answers would hold the poll.
      transporterOptions: { timeout: TOKEN_REQUEST_TIMEOUT_MS, ...(signal ? { signal } : {}) },
    });
    const grant = serviceAccountGrant(key.client_email, key.private_key, account);
    const cached = useCachedToken ? readAccessToken(configDir, account, grant) : undefined;
    this.credentials = { ...NO_TOKEN, ...cached };
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
        // Expired, not just missing: the JWT client then makes gtoken ask anew instead of handing back its own copy.
        this.credentials = { ...NO_TOKEN };
      },
    );
  }
}

/** The service account key of the settings; ConfigError when there is none (the loader checked its shape). */
export function serviceAccountKey(settings: Settings): ServiceAccountKey {
  const text = settings.serviceAccountKey;
  if (text === undefined) throw new ConfigError('no service account key is configured');
  const key = parseServiceAccountKey(text);
  if ('problem' in key) throw new ConfigError(`the service account key ${key.problem}`);
  return key;
}

/**
 * A JWT client that acts as `account`, asking for the Calendar scope at
 * CALSYNC_GOOGLE_TOKEN_URL; `cachedToken: false` asks the token endpoint at
 * the first call whatever is cached (a check that the grant works).
 */
export function delegatedAuth(
  settings: Settings,
  account: string,
  opts: { cachedToken?: boolean; signal?: AbortSignal } = {},
): ServiceAccountClient {
  const client = new ServiceAccountClient(
    settings.configDir,
    account,
    serviceAccountKey(settings),
    opts.cachedToken !== false,
    opts.signal,
  );
  const tokenUrl = settings.googleTokenUrl;
  refuseForeignTokenAnswers(client.transporter, [tokenUrl, GOOGLE_TOKEN_URL]);
  if (tokenUrl !== GOOGLE_TOKEN_URL) {
    // The JWT hands its own transporter to gtoken, so this sees the token request too.
    client.transporter.interceptors.request.add({
      resolved: (opts) => {
        if (String(opts.url) === GOOGLE_TOKEN_URL) opts.url = new URL(tokenUrl);
        return Promise.resolve(opts);
      },
    });
  }
  return client;
}

/** `error` and `error_description` of a token endpoint answer. */
function tokenError(err: unknown): { code: string; description: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const data = (err as { response?: { data?: unknown } }).response?.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { error, error_description } = data as { error?: unknown; error_description?: unknown };
  if (typeof error !== 'string') return undefined;
  return { code: error, description: typeof error_description === 'string' ? error_description : '' };
}

/** Where the key came from, for "replace …". */
function keyOrigin(settings: Settings): string {
  return settings.serviceAccountKeyFile !== undefined
    ? keyFilePath(settings, settings.serviceAccountKeyFile)
    : 'the key in CALSYNC_SERVICE_ACCOUNT_KEY';
}

/** The Admin console step that grants (or restores) domain-wide delegation. */
export function delegationHint(clientId: string): string {
  return (
    `in admin.google.com > Security > Access and data control > API controls > Domain-wide delegation, ` +
    `add client ID ${clientId} with scope ${CALENDAR_SCOPE}`
  );
}

export function newKeyHint(settings: Settings, clientEmail: string): string {
  return (
    `create a new JSON key in console.cloud.google.com > IAM & Admin > Service accounts > ${clientEmail} > Keys ` +
    `> Add key, then replace ${keyOrigin(settings)}`
  );
}

/**
 * The AuthError for a token endpoint refusal of the service account acting as
 * `account`, or undefined for anything else (network, 5xx: retried elsewhere).
 */
export function delegationError(settings: Settings, account: string, err: unknown): AuthError | undefined {
  if (err instanceof AuthError) return err;
  const answer = tokenError(err);
  if (!answer) return undefined;
  const key = serviceAccountKey(settings);
  const { code, description } = answer;
  const said = `${code}${description ? `: ${description}` : ''}`;
  const domain = accountDomain(account) ?? account;
  const fail = (message: string, hint: string) => new AuthError(account, message, { hint, cause: err });
  // Google's own description of this one is a paragraph that never says what to do: the code is enough.
  if (code === 'unauthorized_client' || code === 'access_denied')
    return fail(
      `domain-wide delegation for ${domain} does not grant ${key.client_email} the Calendar scope (${code})`,
      delegationHint(key.client_id),
    );
  if (code === 'disabled_client' || /signature|account not found|robot is disabled/i.test(description))
    return fail(
      `the service account key ${key.private_key_id ? `${key.private_key_id} ` : ''}of ${key.client_email} was deleted or disabled (${said})`,
      newKeyHint(settings, key.client_email),
    );
  if (/email|user id|deleted/i.test(description))
    return fail(
      `${account} is not an active user of ${domain}: unknown, deleted or suspended (${said})`,
      `check the address in the source calendars / calendarAccounts, or restore the user in admin.google.com > Directory > Users`,
    );
  if (/short-lived|iat|exp/i.test(description))
    return fail(
      `Google refused the service account's assertion as out of date (${said})`,
      `set this machine's clock right (e.g. timedatectl set-ntp true)`,
    );
  if (code === 'invalid_grant' || code === 'invalid_scope' || code === 'invalid_client')
    return fail(
      `Google refused the service account ${key.client_email} acting as ${account} (${said})`,
      newKeyHint(settings, key.client_email),
    );
  return undefined;
}

/** Whether the service account can act as the account right now, and if not, why. */
export interface DelegationStatus {
  status: 'ok' | 'revoked' | 'unreachable';
  error?: AuthError;
  /** With 'unreachable': what the endpoint did (failure-text.ts). */
  problem?: TokenProblem;
}

/** Asks the token endpoint once for an access token as `account`. */
export async function checkDelegatedAccount(settings: Settings, account: string): Promise<DelegationStatus> {
  // A cached access token says nothing about the grant today: ask the endpoint.
  const client = delegatedAuth(settings, account, { cachedToken: false });
  try {
    await client.getAccessToken();
    return { status: 'ok' };
  } catch (err) {
    const error = delegationError(settings, account, err);
    return error
      ? { status: 'revoked', error }
      : { status: 'unreachable', problem: tokenProblem(err, settings.googleTokenUrl) };
  }
}
