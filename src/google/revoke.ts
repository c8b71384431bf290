/**
 * `calsync auth --remove <account>`: revokes the account's refresh token at
 * Google's revocation endpoint, then deletes its token file and whatever
 * else calsync keeps for it next to it (`tokens/<account>.*`, e.g. a cached
 * access token). A token Google no longer knows (revoked or expired already)
 * is still deleted; a revocation that could not reach Google keeps the file,
 * so running it again can finish.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { auth } from '@googleapis/calendar';
import type { Settings } from '../config/types.js';
import { OperationError, errorMessage } from '../errors.js';
import { registerSecret } from '../util/log.js';
import { urlForMessage } from '../util/url-text.js';
import { accountFor, sharedAccount } from './auth.js';
import { oauthErrorCode } from './auth.js';
import { classifyGoogleError } from './google-error.js';
import { HostOutage } from './outage.js';
import { TOKEN_REQUEST_TIMEOUT_MS } from './request-timeout.js';
import { withRetry } from './retry.js';
import { isAuthorizedUser, tokenPath, tokensDir } from './token-store.js';

export type Revocation = 'revoked' | 'unknown-to-google' | 'no-token' | 'shared';

export interface RemoveAccountReport {
  account: string;
  revocation: Revocation;
  /** Files deleted, token file first. */
  deleted: string[];
  /** Source calendars (and the shared calendar) this account served, which now have no token. */
  calendarsWithoutToken: string[];
  note?: string;
}

/** The token file and the account's other files next to it; never another account's token (`a@b.c` vs `a@b.c.uk.json`). */
function accountFiles(configDir: string, account: string): string[] {
  const dir = tokensDir(configDir);
  const own = tokenPath(configDir, account);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (path === own) files.unshift(path);
    else if (name.startsWith(`${account}.`) && !isTokenFile(path)) files.push(path);
  }
  return files;
}

function isTokenFile(path: string): boolean {
  try {
    return isAuthorizedUser(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return false;
  }
}

function refreshTokenOf(file: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isAuthorizedUser(parsed) ? parsed.refresh_token : undefined;
  } catch {
    return undefined;
  }
}

async function revoke(settings: Settings, file: string): Promise<Revocation> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 'no-token';
  }
  if (!isAuthorizedUser(parsed)) return 'no-token';
  registerSecret(parsed.refresh_token);
  // As a form body or a query would carry it (1//… becomes 1%2F%2F…).
  registerSecret(encodeURIComponent(parsed.refresh_token));
  registerSecret(parsed.client_secret);
  const token = parsed.refresh_token;
  // The library's revokeToken puts the token in the URL's query, where proxies and error messages
  // quote it. RFC 7009 (2.1) sends it in a form body, and so does Google's own Node.js sample on
  // "Using OAuth 2.0 for Web Server Applications" (POST /revoke, body token=…).
  const { transporter } = new auth.OAuth2({ transporterOptions: { timeout: TOKEN_REQUEST_TIMEOUT_MS } });
  try {
    await withRetry(
      () =>
        transporter.request({
          url: settings.googleRevokeUrl,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          data: new URLSearchParams({ token }).toString(),
        }),
      { label: 'oauth2.revoke', outage: new HostOutage() },
    );
    return 'revoked';
  } catch (err) {
    // 400 invalid_token: Google does not know it (revoked or expired already): nothing left to revoke.
    const { status } = classifyGoogleError(err);
    if (status === 400 || oauthErrorCode(err) === 'invalid_token') return 'unknown-to-google';
    throw new OperationError(
      `could not revoke the token of ${file} at ${urlForMessage(settings.googleRevokeUrl)}: ${errorMessage(err)}; the file is kept`,
      { hint: 'run calsync auth --remove again when Google can be reached', cause: err },
    );
  }
}

/** A refresh token's holders elsewhere on this machine: other profiles (or the install without one) by name. */
export type SharedWith = (refreshToken: string) => string[];

/**
 * `sharedWith` names the other profiles holding the same refresh token
 * (`auth --from-profile`): revoking it at Google would sign them out too, so
 * then only this profile's files are deleted.
 */
export async function removeAccount(
  settings: Settings,
  account: string,
  sharedWith: SharedWith = () => [],
): Promise<RemoveAccountReport> {
  const file = tokenPath(settings.configDir, account);
  const files = accountFiles(settings.configDir, account);
  if (files.length === 0)
    throw new OperationError(`no token for ${account} (${file})`, {
      hint: 'calsync auth --list shows the accounts',
    });
  const refreshToken = files[0] === file ? refreshTokenOf(file) : undefined;
  const holders = refreshToken === undefined ? [] : sharedWith(refreshToken);
  const revocation: Revocation =
    holders.length > 0 ? 'shared' : files[0] === file ? await revoke(settings, file) : 'no-token';
  for (const f of files) await rm(f, { force: true });
  const calendarsWithoutToken = [
    ...settings.sourceCalendars.filter((c) => accountFor(settings, c) === account),
    ...(settings.inviteEmail &&
    !settings.sourceCalendars.includes(settings.inviteEmail) &&
    sharedAccount(settings) === account
      ? [settings.inviteEmail]
      : []),
  ];
  const note =
    revocation === 'shared'
      ? `the same token is in profile ${holders.join(', ')}: not revoked at Google (that would sign ${holders.length > 1 ? 'them' : 'it'} out too), deleted here only`
      : revocation === 'unknown-to-google'
        ? 'Google no longer knew the token (revoked or expired already); deleted here anyway'
        : revocation === 'no-token'
          ? 'there was no readable token to revoke; deleted what calsync kept for the account'
          : undefined;
  return { account, revocation, deleted: files, calendarsWithoutToken, ...(note ? { note } : {}) };
}
