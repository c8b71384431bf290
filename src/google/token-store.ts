/**
 * Token files: `<config dir>/tokens/<account>.json`, the `authorized_user`
 * JSON google-auth-library reads. They hold refresh tokens, so they are
 * written atomically with mode 0600 in a 0700 directory, and a file that
 * group or others can read is refused, as ssh refuses a loose private key.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AuthError, ConfigError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { assertPrivateDir } from '../util/private-dir.js';
import { registerSecret } from '../util/log.js';

/** The `authorized_user` JSON that google-auth-library reads. */
export interface AuthorizedUser {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

// The account name becomes a file name: no path separators, no leading dot.
const SAFE_ACCOUNT = /^[A-Za-z0-9._@+-]{1,200}$/;

export function assertSafeAccountName(account: string): void {
  if (!SAFE_ACCOUNT.test(account) || account.startsWith('.')) {
    throw new ConfigError(`account name "${account}" is not a safe file name`, {
      hint: 'use letters, digits, ".", "_", "@", "+" or "-" (an e-mail address works)',
    });
  }
}

export function isSafeAccountName(account: string): boolean {
  return SAFE_ACCOUNT.test(account) && !account.startsWith('.');
}

/** The one-line fix for an account without a usable token. */
export function reauthHint(account: string): string {
  return `run: calsync auth ${account} --client-secrets <client_secret.json>`;
}

export function tokensDir(configDir: string): string {
  return join(configDir, 'tokens');
}

export function tokenPath(configDir: string, account: string): string {
  assertSafeAccountName(account);
  return join(tokensDir(configDir), `${account}.json`);
}

/** Accounts that have a token file, sorted; a missing tokens directory means none. */
export function listTokenAccounts(configDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(tokensDir(configDir));
  } catch {
    return [];
  }
  return (
    names
      // `<account>.access.json` is the account's cached access token (access-token-cache.ts), not an account.
      .filter((n) => n.endsWith('.json') && !n.endsWith('.access.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .filter(isSafeAccountName)
      .sort()
  );
}

/**
 * Reads and checks an account's token file and registers its secrets for
 * redaction. AuthError when there is none; ConfigError when it is readable
 * by others or not an authorized_user file.
 */
export function readTokenFile(configDir: string, account: string): AuthorizedUser {
  const file = tokenPath(configDir, account);
  // A token file is only as private as the directories that hold it.
  assertPrivateDir(configDir);
  assertPrivateDir(dirname(file));
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new AuthError(account, `no token for ${account} (${file})`, { hint: reauthHint(account) });
  }
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(`${file} is readable by group or others`, { hint: `run: chmod 600 ${file}` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON`, { cause: err, hint: reauthHint(account) });
  }
  if (!isAuthorizedUser(parsed)) {
    throw new ConfigError(
      `${file} is not an authorized_user token file (type, client_id, client_secret, refresh_token)`,
      {
        hint: reauthHint(account),
      },
    );
  }
  registerSecret(parsed.refresh_token);
  registerSecret(parsed.client_secret);
  return parsed;
}

export function isAuthorizedUser(v: unknown): v is AuthorizedUser {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.type === 'authorized_user' &&
    typeof o.client_id === 'string' &&
    typeof o.client_secret === 'string' &&
    typeof o.refresh_token === 'string'
  );
}

/** Writes an account's token file (0600, directory 0700) atomically; returns its path. */
export async function writeTokenFile(
  configDir: string,
  account: string,
  user: AuthorizedUser,
): Promise<string> {
  const file = tokenPath(configDir, account);
  const body: AuthorizedUser = {
    type: 'authorized_user',
    client_id: user.client_id,
    client_secret: user.client_secret,
    refresh_token: user.refresh_token,
  };
  assertPrivateDir(configDir);
  await ensurePrivateDir(dirname(file));
  // A crash leaves the old token or the new one, never a torn file that would lock the account out.
  await writeFileAtomic(file, JSON.stringify(body, null, 2) + '\n', 0o600);
  return file;
}

/** Creates the directory 0700, or narrows an existing one that others can enter. */
async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { mode } = await stat(dir);
  if ((mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * Copies an account's token file from another install or profile of this
 * machine (`auth --from-profile`): read with every check a poll makes (mode
 * 0600, private directories, an authorized_user file), written as a sign-in
 * writes it (atomically, 0600, directory 0700). The cached access token
 * (`<account>.access.json`) is not copied: each profile refreshes and caches
 * its own, in its own directory, which is all its units may write.
 */
export async function copyTokenFile(fromDir: string, toDir: string, account: string): Promise<string> {
  return writeTokenFile(toDir, account, readTokenFile(fromDir, account));
}

/** Whether `dir` holds a token file for `account` with this refresh token (unreadable or absent: no). */
export function holdsRefreshToken(dir: string, account: string, refreshToken: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(tokenPath(dir, account), 'utf8'));
    return isAuthorizedUser(parsed) && parsed.refresh_token === refreshToken;
  } catch {
    return false;
  }
}
