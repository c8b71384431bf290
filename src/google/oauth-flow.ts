/**
 * `calsync auth`: the OAuth 2.0 loopback flow for an installed ("Desktop
 * app") client, on the OAuth2Client bundled with @googleapis/calendar.
 * PKCE S256 and a random `state`; `access_type=offline` + `prompt=consent`
 * because Google only hands out a refresh token on a fresh consent. The token
 * file is written only once everything succeeded: a failed sign-in leaves
 * nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { auth } from '@googleapis/calendar';
import type { Settings } from '../config/types.js';
import { AuthError, OperationError, errorMessage } from '../errors.js';
import { log, registerSecret } from '../util/log.js';
import { urlForMessage } from '../util/url-text.js';
import { oauthErrorCode, type OAuthClient } from './auth.js';
import { loopbackRedirectFor, readClientSecrets } from './client-secrets.js';
import { describeMs, startLoopbackServer, type LoopbackPage } from './loopback-server.js';
import { hasDesktop, openBrowser } from './open-browser.js';
import { sameAccount, signedInAccount, wrongAccountError } from './signed-in-account.js';
import { assertSafeAccountName, writeTokenFile } from './token-store.js';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';

/** How long the browser has to come back; CALSYNC_AUTH_TIMEOUT_MS overrides it (tests). */
export const DEFAULT_AUTH_TIMEOUT_MS = 5 * 60_000;

export interface SignInOptions {
  settings: Pick<Settings, 'configDir' | 'googleTokenUrl' | 'googleAuthUrl' | 'googleApiRoot'>;
  account: string;
  /** Keep the token even when another account signed in (one that reads this account's calendar). */
  allowOtherAccount?: boolean;
  clientSecretsFile: string;
  /** 127.0.0.1 port to listen on; default any free one (a web client's registered port). */
  port?: number;
  /** Open a browser when a desktop is available (false: --no-browser). */
  browser: boolean;
  timeoutMs: number;
  /** Writes one line of instructions for the user. */
  say: (line: string) => void;
}

export interface SignInResult {
  account: string;
  tokenFile: string;
  /** The Google account that signed in (the primary calendar's id); may differ with allowOtherAccount. */
  signedInAs: string;
}

type AuthUrlOptions = NonNullable<Parameters<OAuthClient['generateAuthUrl']>[0]>;

/** The consent URL: offline access, forced consent (so a refresh token comes back), PKCE S256, our state. */
export function buildAuthUrl(
  client: OAuthClient,
  p: { redirectUri: string; state: string; codeChallenge: string; account?: string },
): string {
  const opts: AuthUrlOptions = {
    access_type: 'offline',
    prompt: 'consent',
    scope: [CALENDAR_SCOPE],
    redirect_uri: p.redirectUri,
    state: p.state,
    code_challenge: p.codeChallenge,
    // The enum lives in google-auth-library, which is not a direct dependency.
    code_challenge_method: 'S256' as AuthUrlOptions['code_challenge_method'],
  };
  // Preselects the account on Google's chooser when the name is an address.
  if (p.account?.includes('@')) opts.login_hint = p.account;
  return client.generateAuthUrl(opts);
}

export function authTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CALSYNC_AUTH_TIMEOUT_MS?.trim();
  if (!raw) return DEFAULT_AUTH_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new OperationError(
      `CALSYNC_AUTH_TIMEOUT_MS must be a positive number of milliseconds, not "${raw}"`,
    );
  }
  return n;
}

export async function signIn(opts: SignInOptions): Promise<SignInResult> {
  const { account, settings } = opts;
  assertSafeAccountName(account);
  const secrets = readClientSecrets(opts.clientSecretsFile);
  const redirect = loopbackRedirectFor(secrets, opts.clientSecretsFile, opts.port);
  const client = new auth.OAuth2({
    clientId: secrets.clientId,
    clientSecret: secrets.clientSecret,
    endpoints: { oauth2TokenUrl: settings.googleTokenUrl, oauth2AuthBaseUrl: settings.googleAuthUrl },
  });
  client.on('tokens', (t) => {
    registerSecret(t.access_token ?? undefined);
    registerSecret(t.refresh_token ?? undefined);
    registerSecret(t.id_token ?? undefined);
  });
  const state = randomBytes(24).toString('base64url');
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  registerSecret(codeVerifier);
  // google-auth-library always derives one; the type only says it might not.
  if (!codeChallenge) throw new OperationError('could not derive a PKCE code challenge');

  const server = await startLoopbackServer({ account, redirect, state, timeoutMs: opts.timeoutMs });
  let code: string;
  try {
    const url = buildAuthUrl(client, { redirectUri: server.redirectUri, state, codeChallenge, account });
    announce(opts.say, {
      url,
      account,
      port: server.port,
      redirectUri: server.redirectUri,
      timeoutMs: opts.timeoutMs,
    });
    if (opts.browser && hasDesktop()) openBrowser(url);
    code = await server.code;
  } catch (err) {
    await server.close();
    throw err;
  }
  // The browser's page waits for the outcome: signed in, or refused and why (browserPage).
  try {
    const result = await finishSignIn(opts, {
      client,
      secrets,
      code,
      codeVerifier,
      redirectUri: server.redirectUri,
    });
    server.answer({
      status: 200,
      title: 'Signed in',
      text: `calsync is signed in as ${result.signedInAs}. You can close this tab.`,
    });
    return result;
  } catch (err) {
    server.answer(browserPage(account, err));
    throw err;
  } finally {
    await server.close();
  }
}

/** Another account signed in than the one asked for: the terminal and the browser both say so. */
class OtherAccountSignedIn extends AuthError {
  constructor(
    account: string,
    readonly signedInAs: string,
  ) {
    const err = wrongAccountError(account, signedInAs, `calsync auth ${account}`);
    super(account, err.message, { hint: err.hint });
  }
}

/** What the browser shows when the sign-in did not end with a token. */
function browserPage(account: string, err: unknown): LoopbackPage {
  if (err instanceof OtherAccountSignedIn)
    return {
      status: 403,
      title: 'Refused: another account signed in',
      text:
        `calsync asked for ${account}, but ${err.signedInAs} signed in, so calsync refused this sign-in and saved no token. ` +
        `Run calsync auth ${account} again and pick ${account} on Google's account chooser ` +
        `(or sign out of ${err.signedInAs} in this browser first). ` +
        `If ${err.signedInAs} is meant to read ${account}'s calendar, add --allow-other-account.`,
    };
  return {
    status: 500,
    title: 'Sign-in failed',
    text: `calsync could not finish the sign-in: ${errorMessage(err)}. Look at the terminal for what to do.`,
  };
}

/** After the browser came back: exchange the code, check what was granted and who signed in, save the token. */
async function finishSignIn(
  opts: SignInOptions,
  p: {
    client: OAuthClient;
    secrets: ReturnType<typeof readClientSecrets>;
    code: string;
    codeVerifier: string;
    redirectUri: string;
  },
): Promise<SignInResult> {
  const { account, settings } = opts;
  const { client, code, codeVerifier, secrets } = p;
  const tokens = await exchangeCode(client, {
    code,
    codeVerifier,
    redirectUri: p.redirectUri,
    account,
    tokenUrl: settings.googleTokenUrl,
  });
  const refreshToken = tokens.refresh_token;
  if (!refreshToken) {
    throw new AuthError(
      account,
      'Google answered without a refresh token, so calsync could not keep access; no token was saved',
      {
        hint: 'remove calsync at https://myaccount.google.com/permissions, then run calsync auth again',
      },
    );
  }
  const granted = tokens.scope;
  if (typeof granted === 'string' && granted !== '' && !granted.split(' ').includes(CALENDAR_SCOPE)) {
    throw new AuthError(
      account,
      'calendar access was not granted on the consent screen; no token was saved',
      {
        hint: 'run calsync auth again and tick "See, edit, share and delete all your calendars"',
      },
    );
  }
  client.setCredentials({ access_token: tokens.access_token ?? null, refresh_token: refreshToken });
  const signedInAs = await signedInAccount(settings, client, account);
  // An account name that is no address (a label naming a token file) can only be reported, not checked.
  const other = account.includes('@') && !sameAccount(signedInAs, account);
  if (other && !opts.allowOtherAccount) throw new OtherAccountSignedIn(account, signedInAs);
  if (other)
    log.warn('keeping the token of another account (--allow-other-account)', { account, signedInAs });
  const tokenFile = await writeTokenFile(settings.configDir, account, {
    type: 'authorized_user',
    client_id: secrets.clientId,
    client_secret: secrets.clientSecret,
    refresh_token: refreshToken,
  });
  log.info('token saved', { account, tokenFile, signedInAs });
  return { account, tokenFile, signedInAs };
}

interface TokenAnswer {
  access_token?: string | null;
  refresh_token?: string | null;
  scope?: string;
}

async function exchangeCode(
  client: OAuthClient,
  p: { code: string; codeVerifier: string; redirectUri: string; account: string; tokenUrl: string },
): Promise<TokenAnswer> {
  log.debug('exchanging the authorization code', { tokenUrl: p.tokenUrl });
  try {
    const { tokens } = await client.getToken({
      code: p.code,
      codeVerifier: p.codeVerifier,
      redirect_uri: p.redirectUri,
    });
    return tokens;
  } catch (err) {
    const oauthError = oauthErrorCode(err);
    if (oauthError !== undefined) {
      throw new AuthError(
        p.account,
        `the token endpoint refused the authorization code (${oauthError}); no token was saved`,
        {
          cause: err,
          hint: 'run calsync auth again',
        },
      );
    }
    throw new OperationError(
      `could not exchange the authorization code at ${urlForMessage(p.tokenUrl)}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

function announce(
  say: (line: string) => void,
  p: { url: string; account: string; port: number; redirectUri: string; timeoutMs: number },
): void {
  say(`Open this URL in a browser and sign in as ${p.account}:`);
  say('');
  say(`  ${p.url}`);
  say('');
  say(`Waiting for the browser to come back to ${p.redirectUri} (up to ${describeMs(p.timeoutMs)}).`);
  say(
    `On a headless server, first run on your desktop: ssh -L ${p.port}:127.0.0.1:${p.port} <server>  (then open the URL there)`,
  );
}
