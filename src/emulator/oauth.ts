/**
 * OAuth 2.0 as Google runs it for a "Desktop app" client: the token endpoint
 * (refresh_token and authorization_code with PKCE) and the authorization
 * endpoint of the loopback flow
 * (https://developers.google.com/identity/protocols/oauth2/native-app).
 */
import { createHash } from 'node:crypto';
import { errors, OAuthError } from './google-errors.js';
import { randomToken } from './ids.js';
import { JWT_BEARER_GRANT, peekAssertion, type JwtGrant } from './jwt-grant.js';
import type { ConsentSettings } from './types.js';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
const ACCESS_TOKEN_SECONDS = 3599;

interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  account: string;
  scope: string;
  /** A refresh token is issued when offline access was asked and consent given for it. */
  issueRefreshToken: boolean;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  refresh_token?: string;
}

export class OAuthServer {
  readonly clientId = `${randomToken(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')}-emulator.apps.googleusercontent.com`;
  readonly clientSecret = `GOCSPX-${randomToken(18)}`;
  private readonly refreshTokens = new Map<string, { account: string; scope: string }>();
  private readonly accessTokens = new Map<string, { account: string; expiresAt: number }>();
  private readonly codes = new Map<string, AuthCode>();
  /** Accounts that granted offline access to the client once: re-consent omits refresh_token. */
  private readonly granted = new Set<string>();
  /** Service accounts and domain-wide delegation (jwt-grant.ts), when the emulator wires them in. */
  jwtBearer: JwtGrant | undefined;

  issueRefreshToken(account: string, scope = CALENDAR_SCOPE): string {
    const token = `1//emu-${randomToken(30)}`;
    this.refreshTokens.set(token, { account, scope });
    this.granted.add(account);
    return token;
  }

  /** A live refresh token of the account, if any. */
  refreshTokenOf(account: string): string | undefined {
    for (const [token, info] of this.refreshTokens) if (info.account === account) return token;
    return undefined;
  }

  /** The account a token request is for (refresh token, or the assertion's sub/iss, unverified): for logs and fault rules. */
  accountOfTokenRequest(form: URLSearchParams | undefined): string | undefined {
    if (form?.get('grant_type') === JWT_BEARER_GRANT) {
      const claims = peekAssertion(form.get('assertion'));
      return claims.sub ?? claims.iss;
    }
    return this.accountOfRefreshToken(form?.get('refresh_token') ?? '');
  }

  accountOfRefreshToken(token: string): string | undefined {
    return this.refreshTokens.get(token)?.account;
  }

  revoke(account: string): void {
    for (const [token, info] of this.refreshTokens)
      if (info.account === account) this.refreshTokens.delete(token);
    this.expireAccessTokens(account);
  }

  /**
   * POST /revoke (https://developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke):
   * a refresh or access token ends the grant, so the account's refresh and
   * access tokens stop working and the next consent issues a refresh token
   * again. An unknown token answers 400 invalid_token, as Google does.
   */
  revokeToken(token: string): void {
    const account = this.refreshTokens.get(token)?.account ?? this.accessTokens.get(token)?.account;
    if (account === undefined) throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
    this.revoke(account);
    this.granted.delete(account);
  }

  expireAccessTokens(account?: string): void {
    for (const [token, info] of this.accessTokens)
      if (account === undefined || info.account === account) this.accessTokens.delete(token);
  }

  /** The account behind an `Authorization: Bearer` header; 401 as Google answers otherwise. */
  authenticate(header: string | undefined): string {
    const account = this.peekBearer(header);
    if (account) return account;
    if (!header || !/^Bearer\s+\S/i.test(header)) throw errors.loginRequired();
    throw errors.invalidCredentials();
  }

  /** The account, without failing (fault rules and the request log match on it). */
  peekBearer(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m?.[1]) return undefined;
    const info = this.accessTokens.get(m[1]);
    if (!info || info.expiresAt <= Date.now()) return undefined;
    return info.account;
  }

  /** POST /token, form-encoded; client credentials in the body or HTTP Basic. */
  token(form: URLSearchParams, authorization: string | undefined): TokenResponse {
    const grant = form.get('grant_type');
    // The JWT bearer grant carries no client credentials: the signed assertion is the credential.
    if (grant === JWT_BEARER_GRANT && this.jwtBearer) {
      const granted = this.jwtBearer.verify(form.get('assertion'));
      return this.accessTokenFor(granted.account, granted.scope);
    }
    this.checkClient(form, authorization);
    if (grant === 'refresh_token') {
      const info = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!info) throw errors.invalidGrant();
      return this.accessTokenFor(info.account, info.scope);
    }
    if (grant === 'authorization_code') return this.exchangeCode(form);
    throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
  }

  private checkClient(form: URLSearchParams, authorization: string | undefined): void {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic?.[1]) {
      const [u, p] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    if (id !== this.clientId) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    if (secret !== this.clientSecret) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  }

  private accessTokenFor(account: string, scope: string): TokenResponse {
    const token = `ya29.emu-${randomToken(30)}`;
    this.accessTokens.set(token, { account, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000 });
    return { access_token: token, expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer', scope };
  }

  private exchangeCode(form: URLSearchParams): TokenResponse {
    const code = form.get('code') ?? '';
    const info = this.codes.get(code);
    if (!info) throw new OAuthError(400, 'invalid_grant', 'Malformed auth code.');
    // A code is good for one exchange.
    this.codes.delete(code);
    if (form.get('redirect_uri') !== info.redirectUri)
      throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (info.codeChallenge !== undefined) {
      const verifier = form.get('code_verifier') ?? '';
      const expected = createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || expected !== info.codeChallenge)
        throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    const response = this.accessTokenFor(info.account, info.scope);
    if (info.issueRefreshToken) response.refresh_token = this.issueRefreshToken(info.account, info.scope);
    return response;
  }

  /**
   * GET /o/oauth2/v2/auth: consents at once (no page to click) and redirects to
   * the loopback redirect_uri with a code, or with error=access_denied.
   */
  authorize(
    q: URLSearchParams,
    consent: ConsentSettings,
    accounts: readonly string[],
  ): { status: number; location?: string; text?: string } {
    if (q.get('client_id') !== this.clientId)
      return { status: 400, text: 'Error 401: invalid_client. The OAuth client was not found.' };
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!isLoopback(redirectUri))
      return {
        status: 400,
        text: 'Error 400: invalid_request. redirect_uri must be a loopback address for a Desktop app client.',
      };
    if (q.get('response_type') !== 'code')
      return { status: 400, text: 'Error 400: invalid_request. response_type must be code.' };
    const challenge = q.get('code_challenge') ?? undefined;
    if (challenge !== undefined && (q.get('code_challenge_method') ?? 'plain') !== 'S256') {
      return { status: 400, text: 'Error 400: invalid_request. code_challenge_method must be S256.' };
    }
    const target = new URL(redirectUri);
    const state = q.get('state');
    const account = consent.account ?? signInAccount(q.get('login_hint'), accounts);
    if (consent.mode === 'deny' || account === undefined) {
      target.searchParams.set('error', 'access_denied');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, location: target.toString() };
    }
    const scope = q.get('scope') ?? CALENDAR_SCOPE;
    const offline = q.get('access_type') === 'offline';
    const forcedConsent = (q.get('prompt') ?? '').split(' ').includes('consent');
    const code = `4/emu-${randomToken(24)}`;
    this.codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      codeChallenge: challenge,
      account,
      scope,
      issueRefreshToken: offline && (forcedConsent || !this.granted.has(account)),
    });
    target.searchParams.set('code', code);
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('scope', scope);
    return { status: 302, location: target.toString() };
  }
}

/**
 * Who signs in when no test picked someone: the account `login_hint` names, as
 * Google preselects it on its chooser
 * (https://developers.google.com/identity/protocols/oauth2/native-app, step 2,
 * "login_hint"). The person may still pick another of their accounts there; the
 * emulator models that as the first account when the hint names nobody it knows,
 * and as `consent.account` when a test (or `--sign-in-as`) says so.
 */
function signInAccount(hint: string | null, accounts: readonly string[]): string | undefined {
  const wanted = hint?.trim().toLowerCase();
  const hinted = wanted ? accounts.find((a) => a.toLowerCase() === wanted) : undefined;
  return hinted ?? accounts[0];
}

function isLoopback(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
