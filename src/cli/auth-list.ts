/**
 * `calsync auth --list`: every account calsync knows of (token files present,
 * plus the accounts the settings need) and whether its token refreshes now.
 */
import { terminalText } from '../util/terminal-text.js';
import { isDelegatedAccount } from '../config/delegation.js';
import type { Settings } from '../config/types.js';
import { CalsyncError, errorMessage } from '../errors.js';
import { accountFor, checkAccountTokenDetail, sharedAccount, type TokenStatus } from '../google/auth.js';
import { TOKEN_NOT_GOOGLE_HINT, type TokenProblem } from '../google/failure-text.js';
import { listTokenAccounts, reauthHint, tokenPath } from '../google/token-store.js';

/** 'refused': Google refused to let the service account act as a delegated account (the hint says why). */
export type ListedStatus = TokenStatus | 'unusable' | 'refused';

export interface AccountListing {
  account: string;
  /** Null when the account name cannot be a file name, or the service account acts as it. */
  tokenFile: string | null;
  /** Set when the Workspace service account acts as the account (domain-wide delegation); else its token file is used. */
  credential?: 'service account';
  status: ListedStatus;
  /** What the settings use the account for: `source:<calendar id>`, `shared`. */
  usedFor: string[];
  /** What to do when the status is not ok. */
  hint?: string;
}

/** The accounts to show and what each is used for, in a stable order (settings first, then other token files). */
export function knownAccounts(settings: Settings): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (account: string, use?: string): void => {
    const list = uses.get(account) ?? [];
    if (use !== undefined) list.push(use);
    uses.set(account, list);
  };
  for (const calendar of settings.sourceCalendars) add(accountFor(settings, calendar), `source:${calendar}`);
  const shared = sharedAccount(settings);
  if (shared !== undefined) add(shared, 'shared');
  for (const account of listTokenAccounts(settings.configDir)) add(account);
  return uses;
}

export async function listAccounts(settings: Settings, only?: string): Promise<AccountListing[]> {
  const entries = [...knownAccounts(settings)].filter(([account]) => only === undefined || account === only);
  if (only !== undefined && entries.length === 0) entries.push([only, []]);
  return Promise.all(entries.map(([account, usedFor]) => listOne(settings, account, usedFor)));
}

async function listOne(settings: Settings, account: string, usedFor: string[]): Promise<AccountListing> {
  if (isDelegatedAccount(settings, account)) return listDelegated(settings, account, usedFor);
  let tokenFile: string | null = null;
  try {
    tokenFile = tokenPath(settings.configDir, account);
    const { status, problem } = await checkAccountTokenDetail(settings, account);
    const hint = problem ? endpointHint(problem) : hintFor(status, account);
    return { account, tokenFile, status, usedFor, ...(hint ? { hint } : {}) };
  } catch (err) {
    // A loose or corrupt token file (or an unusable name) is this account's problem, not the listing's.
    const hint = err instanceof CalsyncError && err.hint ? `${err.message}; ${err.hint}` : errorMessage(err);
    return { account, tokenFile, status: 'unusable', usedFor, hint };
  }
}

/** An account of a delegated domain: whether Google lets the service account act as it, and if not, the admin's fix. */
async function listDelegated(
  settings: Settings,
  account: string,
  usedFor: string[],
): Promise<AccountListing> {
  const base = { account, tokenFile: null, credential: 'service account' as const, usedFor };
  try {
    const { checkDelegatedAccount } = await import('../google/service-account.js');
    const check = await checkDelegatedAccount(settings, account);
    if (check.status === 'ok') return { ...base, status: 'ok' };
    if (check.status === 'unreachable')
      return {
        ...base,
        status: 'unreachable',
        hint: check.problem
          ? endpointHint(check.problem)
          : 'the token endpoint did not answer; try again later',
      };
    const why = check.error ? `${check.error.message}; ${check.error.hint ?? ''}` : 'refused';
    return { ...base, status: 'refused', hint: why };
  } catch (err) {
    const hint = err instanceof CalsyncError && err.hint ? `${err.message}; ${err.hint}` : errorMessage(err);
    return { ...base, status: 'unusable', hint };
  }
}

/** What the token endpoint did instead of a token (it may have answered): with what to check, or to try later. */
function endpointHint(problem: TokenProblem): string {
  return `${problem.text}; ${problem.foreign ? TOKEN_NOT_GOOGLE_HINT : 'try again later'}`;
}

function hintFor(status: TokenStatus, account: string): string | undefined {
  switch (status) {
    case 'ok':
      return undefined;
    case 'revoked':
    case 'missing':
      return reauthHint(account);
    case 'unreachable':
      return 'the token endpoint did not answer; try again later';
  }
}

/** Aligned text lines: ACCOUNT, TOKEN FILE, STATUS (with what to do when not ok). */
export function renderAccountList(rows: AccountListing[]): string[] {
  if (rows.length === 0) {
    return [
      'no accounts yet: run calsync config set sourceCalendars you@gmail.com,partner@gmail.com, then calsync auth <account> --client-secrets <client_secret.json>',
    ];
  }
  // "revoked: run calsync auth …" reads better in a table than "revoked: run: calsync auth …".
  // Account names and token paths come from config and file names: escaped like any text calsync did not write.
  const cells = rows.map((r) =>
    [
      r.account,
      r.credential === 'service account' ? '(service account)' : (r.tokenFile ?? '-'),
      r.hint ? `${r.status}: ${r.hint.replace(/^run: /, 'run ')}` : r.status,
    ].map((cell) => terminalText(cell, Infinity)),
  );
  const header = ['ACCOUNT', 'TOKEN FILE', 'STATUS'];
  const widths = [0, 1].map((i) => Math.max(header[i]?.length ?? 0, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]): string =>
    c.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ');
  return [line(header), ...cells.map(line)];
}
