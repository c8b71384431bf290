/**
 * The access-token cache: `<config dir>/tokens/<account>.access.json`, the
 * account's last access token and its expiry, so that a poll every few
 * minutes does not pay a round trip to the token endpoint per account when
 * the token from the poll before is still good for most of an hour.
 *
 * It holds a bearer token: mode 0600, written atomically (a timer poll and a
 * webhook poll may refresh at the same moment: each renames a whole file in,
 * the last one wins, both tokens stay valid at Google), registered as a
 * secret when read. A torn, foreign or unreadable file is treated as missing:
 * the cost of a bad cache is one refresh, never a failed poll.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { log, registerSecret } from '../util/log.js';
import { tokenPath, type AuthorizedUser } from './token-store.js';

/** A cached token is used only while it outlives this margin (google-auth-library's own eager-refresh margin). */
export const ACCESS_TOKEN_MARGIN_MS = 5 * 60 * 1000;

export const ACCESS_TOKEN_SUFFIX = '.access.json';

export interface CachedAccessToken {
  access_token: string;
  /** Milliseconds since the epoch, as google-auth-library's `expiry_date`. */
  expiry_date: number;
}

interface CacheFile extends CachedAccessToken {
  /**
   * Which grant the token came from (a hash, never the refresh token): after
   * `calsync auth` signs in again, maybe as someone else, the old access
   * token is not used.
   */
  grant: string;
}

export function accessTokenPath(configDir: string, account: string): string {
  return tokenPath(configDir, account).replace(/\.json$/, ACCESS_TOKEN_SUFFIX);
}

function hashOf(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);
}

/** The grant of a signed-in user: its OAuth client and refresh token. */
export function userGrant(user: AuthorizedUser): string {
  return hashOf(user.client_id, user.refresh_token);
}

/**
 * The grant of a service account acting as a user: its key (a new key, or
 * another service account, takes a new token) and the impersonated subject.
 */
export function serviceAccountGrant(clientEmail: string, privateKey: string, subject: string): string {
  return hashOf('service account', clientEmail, hashOf(privateKey), subject.toLowerCase());
}

/**
 * The cached access token of an account's grant (userGrant, serviceAccountGrant), if there is one that stays
 * valid for longer than the margin; undefined otherwise (missing, torn,
 * readable by others, from another grant, expiring).
 */
export function readAccessToken(
  configDir: string,
  account: string,
  grant: string,
  now: number = Date.now(),
): CachedAccessToken | undefined {
  const file = accessTokenPath(configDir, account);
  let parsed: unknown;
  try {
    // A file others could read may have been read: do not use it (the next refresh replaces it 0600).
    if ((statSync(file).mode & 0o077) !== 0) return undefined;
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isCacheFile(parsed) || parsed.grant !== grant) return undefined;
  registerSecret(parsed.access_token);
  if (parsed.expiry_date - now <= ACCESS_TOKEN_MARGIN_MS) return undefined;
  return { access_token: parsed.access_token, expiry_date: parsed.expiry_date };
}

function isCacheFile(v: unknown): v is CacheFile {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.access_token === 'string' &&
    o.access_token.length > 0 &&
    typeof o.expiry_date === 'number' &&
    Number.isFinite(o.expiry_date) &&
    typeof o.grant === 'string'
  );
}

/** Stores a freshly refreshed token for the next processes (0600, atomically). */
export async function writeAccessToken(
  configDir: string,
  account: string,
  grant: string,
  token: CachedAccessToken,
): Promise<void> {
  registerSecret(token.access_token);
  const body: CacheFile = { ...token, grant };
  await writeFileAtomic(accessTokenPath(configDir, account), JSON.stringify(body) + '\n', 0o600);
}

/**
 * Forgets an account's cached access token, so the next client refreshes.
 * For a token Google refused (401), a token revoked with the refresh token,
 * or an account removed. A missing file is fine.
 */
export async function invalidateAccessToken(configDir: string, account: string): Promise<void> {
  try {
    await unlink(accessTokenPath(configDir, account));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.debug(`could not remove the cached access token of ${account}: ${(err as Error).message}`);
  }
}

/** What cacheRefreshedTokens needs of a google-auth-library client: its "tokens" event. */
interface TokenEmitter {
  on(
    event: 'tokens',
    listener: (tokens: { access_token?: string | null; expiry_date?: number | null }) => void,
  ): unknown;
}

/** Stores every token the client refreshes, for the next process; never logged. */
export function cacheRefreshedTokens(
  client: TokenEmitter,
  configDir: string,
  account: string,
  grant: string,
): void {
  client.on('tokens', (tokens) => {
    registerSecret(tokens.access_token ?? undefined);
    if (!tokens.access_token || typeof tokens.expiry_date !== 'number') return;
    const token = { access_token: tokens.access_token, expiry_date: tokens.expiry_date };
    // Fire and forget: the pending write keeps the process alive until it is done; failing it costs one refresh later.
    writeAccessToken(configDir, account, grant, token).catch((err: unknown) =>
      log.debug(`could not cache the access token of ${account}: ${(err as Error).message}`),
    );
  });
}
