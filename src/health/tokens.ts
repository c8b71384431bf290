import { existsSync } from 'node:fs';
import { isDelegatedAccount } from '../config/delegation.js';
import type { Settings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import {
  accountFor,
  checkAccountTokenDetail,
  sharedAccount,
  tokenPath,
  type TokenCheck,
} from '../google/auth.js';
import { TOKEN_NOT_GOOGLE_HINT, type TokenProblem } from '../google/failure-text.js';
import { checkDelegatedAccount, type DelegationStatus } from '../google/service-account.js';
import { authFix } from './evaluate.js';
import type { CheckResult } from './types.js';

/** A token endpoint slower than this counts as unreachable for this check (the refresh has its own retries). */
const REFRESH_TIMEOUT_MS = 15_000;

/**
 * The accounts whose tokens the sync needs: one per source calendar, plus the
 * shared calendar's account when it has a token file or the service account
 * acts as it (mirrors are optional:
 * without that token they are skipped, which the poll reports).
 */
export function accountsToCheck(settings: Settings): string[] {
  const accounts = new Set(settings.sourceCalendars.map((c) => accountFor(settings, c)));
  const shared = sharedAccount(settings);
  const usable = (a: string) => hasTokenFile(settings.configDir, a) || isDelegatedAccount(settings, a);
  if (shared && !accounts.has(shared) && usable(shared)) accounts.add(shared);
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
  return Promise.all(
    accountsToCheck(settings).map(async (account): Promise<CheckResult> => {
      try {
        if (isDelegatedAccount(settings, account))
          return delegationResult(
            account,
            await withTimeout(checkDelegatedAccount(settings, account), { status: 'unreachable' }),
          );
        return tokenResult(
          account,
          await withTimeout(checkAccountTokenDetail(settings, account), { status: 'unreachable' }),
        );
      } catch (err) {
        // A token file with bad permissions or bad JSON: the poll fails the same way.
        return {
          kind: 'token',
          subject: account,
          status: 'CRITICAL',
          message: `${account}: ${errorMessage(err)}`,
          fix: authFix(account),
        };
      }
    }),
  );
}

function withTimeout<T>(check: Promise<T>, unreachable: T): Promise<T> {
  const timeout = new Promise<T>((resolve) =>
    setTimeout(() => resolve(unreachable), REFRESH_TIMEOUT_MS).unref(),
  );
  return Promise.race([check, timeout]);
}

/** A delegated account: the service account's grant, with the admin's fix when Google refuses it. */
export function delegationResult(account: string, check: DelegationStatus): CheckResult {
  const base = { kind: 'token' as const, subject: account };
  switch (check.status) {
    case 'ok':
      return {
        ...base,
        status: 'OK',
        message: `${account}: the service account acts as it (domain-wide delegation)`,
      };
    case 'revoked':
      return {
        ...base,
        status: 'CRITICAL',
        message: `${account}: ${check.error?.message ?? 'Google refused the service account'}`,
        ...(check.error?.hint ? { fix: check.error.hint } : {}),
      };
    case 'unreachable':
      return check.problem
        ? endpointResult(account, check.problem)
        : {
            ...base,
            status: 'WARNING',
            message: `${account}: could not reach the OAuth token endpoint to check the service account's grant`,
          };
  }
}

/**
 * A token endpoint that failed the check without refusing the credential: what
 * it answered, or that it did not; with the fix when what answered is not Google.
 */
function endpointResult(account: string, problem: TokenProblem): CheckResult {
  return {
    kind: 'token',
    subject: account,
    status: 'WARNING',
    message: `${account}: ${problem.text}`,
    ...(problem.foreign ? { fix: TOKEN_NOT_GOOGLE_HINT } : {}),
  };
}

export function tokenResult(account: string, check: TokenCheck): CheckResult {
  const base = { kind: 'token' as const, subject: account };
  switch (check.status) {
    case 'ok':
      return { ...base, status: 'OK', message: `${account}: token refreshes` };
    case 'revoked':
      return {
        ...base,
        status: 'CRITICAL',
        message: `${account}: refresh token revoked or expired (invalid_grant)`,
        fix: authFix(account),
      };
    case 'missing':
      return { ...base, status: 'CRITICAL', message: `${account}: no token file`, fix: authFix(account) };
    case 'unreachable':
      if (check.problem) return endpointResult(account, check.problem);
      return {
        ...base,
        status: 'WARNING',
        message: `${account}: could not reach the OAuth token endpoint to refresh the token`,
      };
  }
}
