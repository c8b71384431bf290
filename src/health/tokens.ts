import type { Settings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { accountFor, isInvalidGrant, loadAccountAuth, sharedAccount, tokenPath } from '../google/auth.js';
import { existsSync } from 'node:fs';
import { authFix } from './evaluate.js';
import type { CheckResult } from './types.js';

export type TokenStatus = 'ok' | 'revoked' | 'missing' | 'unreachable';

/** A token endpoint slower than this counts as unreachable for this check. */
const REFRESH_TIMEOUT_MS = 10_000;

type TokenChecker = (settings: Settings, account: string) => Promise<TokenStatus>;

/**
 * The accounts whose tokens the sync needs: one per source calendar, plus the
 * shared calendar's account when it has a token file (mirrors are optional:
 * without that token they are skipped, which the poll reports).
 */
export function accountsToCheck(settings: Settings): string[] {
  const accounts = new Set(settings.sourceCalendars.map((c) => accountFor(settings, c)));
  const shared = sharedAccount(settings);
  if (shared && !accounts.has(shared) && hasTokenFile(settings.configDir, shared)) accounts.add(shared);
  return [...accounts];
}

function hasTokenFile(configDir: string, account: string): boolean {
  try {
    return existsSync(tokenPath(configDir, account));
  } catch {
    return false;
  }
}

/** Refreshes each account's token once and turns the outcome into a check result. */
export async function checkTokens(settings: Settings): Promise<CheckResult[]> {
  const check = await tokenChecker();
  return Promise.all(
    accountsToCheck(settings).map(async (account): Promise<CheckResult> => {
      let status: TokenStatus;
      try {
        status = await check(settings, account);
      } catch (err) {
        // A token file with bad permissions or bad JSON: the poll would fail the same way.
        return { kind: 'token', subject: account, status: 'CRITICAL', message: `${account}: ${errorMessage(err)}`, fix: authFix(account) };
      }
      return tokenResult(account, status);
    }),
  );
}

export function tokenResult(account: string, status: TokenStatus): CheckResult {
  const base = { kind: 'token' as const, subject: account };
  switch (status) {
    case 'ok':
      return { ...base, status: 'OK', message: `${account}: token refreshes` };
    case 'revoked':
      return { ...base, status: 'CRITICAL', message: `${account}: refresh token revoked or expired (invalid_grant)`, fix: authFix(account) };
    case 'missing':
      return { ...base, status: 'CRITICAL', message: `${account}: no token file`, fix: authFix(account) };
    case 'unreachable':
      return { ...base, status: 'WARNING', message: `${account}: could not reach the OAuth token endpoint to refresh the token` };
  }
}

/**
 * The auth module's own `checkAccountToken` when it has one (it knows the
 * token endpoint's quirks best); else a local refresh with the same meaning.
 */
async function tokenChecker(): Promise<TokenChecker> {
  const authModule = (await import('../google/auth.js')) as unknown as Record<string, unknown>;
  const theirs = authModule.checkAccountToken;
  if (typeof theirs === 'function') return theirs as TokenChecker;
  return refreshOnce;
}

async function refreshOnce(settings: Settings, account: string): Promise<TokenStatus> {
  if (!hasTokenFile(settings.configDir, account)) return 'missing';
  const client = loadAccountAuth(settings, account);
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), REFRESH_TIMEOUT_MS).unref());
  try {
    const outcome = await Promise.race([client.getAccessToken().then(() => 'done' as const), timeout]);
    return outcome === 'done' ? 'ok' : 'unreachable';
  } catch (err) {
    return isInvalidGrant(err) ? 'revoked' : 'unreachable';
  }
}
