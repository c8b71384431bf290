/**
 * Service accounts and domain-wide delegation, as Google's token endpoint runs
 * them for the JWT bearer grant (RFC 7523,
 * https://developers.google.com/identity/protocols/oauth2/service-account):
 * the assertion is RS256-signed with one of the service account's keys; `iss`
 * is its client_email; `aud` is Google's token URL; it lives at most an hour;
 * `scope` is asked; `sub` (the user to act as) is allowed only when that
 * user's domain granted the service account's client ID every scope asked
 * (Admin console > Security > API controls > Domain-wide delegation). Each
 * refusal answers the body Google documents under "JWT error codes".
 */
import { createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { OAuthError } from './google-errors.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The only audience Google accepts ("When making an access token request this value is always …"), and its older alias. */
export const TOKEN_AUDIENCES = [
  'https://oauth2.googleapis.com/token',
  'https://www.googleapis.com/oauth2/v4/token',
];
/** "Token must be a short-lived token (60 minutes)": exp - iat at most this. */
const MAX_ASSERTION_SECONDS = 3600;
/** An iat a little in the future passes (clocks differ); Google documents no figure. */
const CLOCK_SKEW_SECONDS = 60;

/** Scopes the emulator knows; Google answers invalid_scope for one it does not. */
const KNOWN_SCOPES = new Set([
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.events.readonly',
]);

/** The JSON key file the Google Cloud console downloads ("Keys > Add key > JSON"). */
export interface ServiceAccountKeyJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

interface KeyRecord {
  publicKey: KeyObject;
  disabled: boolean;
}

interface ServiceAccountRecord {
  email: string;
  clientId: string;
  keys: Map<string, KeyRecord>;
}

export interface JwtGrantResult {
  account: string;
  scope: string;
}

const errors = {
  signature: () => new OAuthError(400, 'invalid_grant', 'Invalid JWT Signature.'),
  accountNotFound: () => new OAuthError(400, 'invalid_grant', 'Invalid grant: account not found'),
  disabledKey: () => new OAuthError(401, 'disabled_client', 'The OAuth client was disabled.'),
  audience: () =>
    new OAuthError(
      400,
      'invalid_grant',
      `Invalid JWT: Failed audience check. The right audience is ${TOKEN_AUDIENCES[0] ?? ''}`,
    ),
  lifetime: () =>
    new OAuthError(
      400,
      'invalid_grant',
      "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your 'iat' and 'exp' values in the JWT claim.",
    ),
  scope: () => new OAuthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.'),
  unauthorized: () =>
    new OAuthError(
      401,
      'unauthorized_client',
      'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    ),
  user: () => new OAuthError(400, 'invalid_grant', 'Invalid email or User ID'),
};

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of an assertion, unverified: for the request log and fault rules only. */
export function peekAssertion(assertion: string | null): { iss?: string; sub?: string } {
  const claims = decodePart(assertion?.split('.')[1]);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const iss = str(claims?.iss);
  const sub = str(claims?.sub);
  return { ...(iss ? { iss } : {}), ...(sub ? { sub } : {}) };
}

export class JwtGrant {
  private readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  /** domain → client id → scopes granted (Admin console > Domain-wide delegation). */
  private readonly delegations = new Map<string, Map<string, Set<string>>>();
  private readonly suspended = new Set<string>();

  constructor(
    private readonly userExists: (email: string) => boolean,
    private readonly tokenUrl: () => string,
  ) {}

  /** Creates the service account if needed, then a new key for it; returns the key file. */
  issueKey(opts: { name?: string; project?: string } = {}): ServiceAccountKeyJson {
    const project = opts.project ?? 'calsync-emulator';
    const email = `${opts.name ?? 'calsync'}@${project}.iam.gserviceaccount.com`;
    let account = this.serviceAccounts.get(email);
    if (!account) {
      // A service account's OAuth client id is a 21-digit number.
      const clientId = '1' + [...randomBytes(20)].map((b) => String(b % 10)).join('');
      account = { email, clientId, keys: new Map() };
      this.serviceAccounts.set(email, account);
    }
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyId = randomBytes(20).toString('hex');
    account.keys.set(keyId, { publicKey, disabled: false });
    return {
      type: 'service_account',
      project_id: project,
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: account.clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: this.tokenUrl(),
    };
  }

  /** Keys > Delete: assertions it signed fail the signature check from now on. */
  deleteKey(keyId: string): void {
    for (const sa of this.serviceAccounts.values()) sa.keys.delete(keyId);
  }

  /** Keys > Disable. */
  disableKey(keyId: string): void {
    for (const sa of this.serviceAccounts.values()) {
      const key = sa.keys.get(keyId);
      if (key) key.disabled = true;
    }
  }

  grant(domain: string, clientId: string, scopes: readonly string[]): void {
    const byClient = this.delegations.get(domain.toLowerCase()) ?? new Map<string, Set<string>>();
    byClient.set(clientId, new Set(scopes));
    this.delegations.set(domain.toLowerCase(), byClient);
  }

  revoke(domain: string, clientId: string): void {
    this.delegations.get(domain.toLowerCase())?.delete(clientId);
  }

  suspend(email: string): void {
    this.suspended.add(email.toLowerCase());
  }

  /** Verifies a jwt-bearer assertion; the account to issue an access token for, or Google's refusal. */
  verify(assertion: string | null, now = Date.now()): JwtGrantResult {
    if (!assertion) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: assertion');
    const [h, p, s, extra] = assertion.split('.');
    const header = decodePart(h);
    const claims = decodePart(p);
    if (!header || !claims || !s || extra !== undefined || header.alg !== 'RS256') throw errors.signature();
    const sa = typeof claims.iss === 'string' ? this.serviceAccounts.get(claims.iss) : undefined;
    if (!sa) throw errors.accountNotFound();
    const key = this.signingKey(sa, `${h}.${p}`, s, typeof header.kid === 'string' ? header.kid : undefined);
    if (key.disabled) throw errors.disabledKey();
    if (typeof claims.aud !== 'string' || !TOKEN_AUDIENCES.includes(claims.aud)) throw errors.audience();
    this.checkTimes(claims, now);
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter((x) => x) : [];
    if (scopes.length === 0 || !scopes.every((x) => KNOWN_SCOPES.has(x))) throw errors.scope();
    const sub = typeof claims.sub === 'string' && claims.sub !== sa.email ? claims.sub : undefined;
    if (sub !== undefined) this.checkDelegation(sa, sub, scopes);
    return { account: sub ?? sa.email, scope: scopes.join(' ') };
  }

  /** The key whose public half verifies the signature (the header's kid first; gtoken sends none). */
  private signingKey(sa: ServiceAccountRecord, signed: string, signature: string, kid?: string): KeyRecord {
    const candidates = kid && sa.keys.has(kid) ? [sa.keys.get(kid)] : [...sa.keys.values()];
    for (const key of candidates) {
      if (!key) continue;
      const verifier = createVerify('RSA-SHA256');
      verifier.update(signed);
      if (verifier.verify(key.publicKey, Buffer.from(signature, 'base64url'))) return key;
    }
    throw errors.signature();
  }

  private checkTimes(claims: Record<string, unknown>, now: number): void {
    const { iat, exp } = claims;
    const nowSeconds = Math.floor(now / 1000);
    if (typeof iat !== 'number' || typeof exp !== 'number') throw errors.lifetime();
    if (exp <= iat || exp - iat > MAX_ASSERTION_SECONDS) throw errors.lifetime();
    if (exp <= nowSeconds || iat > nowSeconds + CLOCK_SKEW_SECONDS) throw errors.lifetime();
  }

  private checkDelegation(sa: ServiceAccountRecord, sub: string, scopes: string[]): void {
    const at = sub.lastIndexOf('@');
    const domain = at > 0 ? sub.slice(at + 1).toLowerCase() : '';
    const granted = this.delegations.get(domain)?.get(sa.clientId);
    if (!granted || !scopes.every((x) => granted.has(x))) throw errors.unauthorized();
    // Suspended users: Google documents no answer of its own; the harsh case is the unknown user's.
    if (!this.userExists(sub) || this.suspended.has(sub.toLowerCase())) throw errors.user();
  }
}
