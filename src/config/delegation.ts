/**
 * Which credential each account uses. With a service account key and
 * `delegatedDomains`, every account whose address is in one of those domains
 * is impersonated by the service account (domain-wide delegation), token file
 * or not: the admin decides per domain, once, so a person joining the team
 * needs no sign-in and a stray old token file cannot take over. Every other
 * account (a personal Gmail address, another company's) uses its token file.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { tokensDirPath } from './paths.js';
import type { Settings } from './types.js';

export type Credential = 'service account' | 'token file';

/** The domain of an account address, lower-cased; undefined for a name without "@". */
export function accountDomain(account: string): string | undefined {
  const at = account.lastIndexOf('@');
  return at > 0 ? account.slice(at + 1).toLowerCase() : undefined;
}

/** Whether the service account acts as this account (no token file needed). */
export function isDelegatedAccount(
  settings: { serviceAccountKey?: string | undefined; delegatedDomains?: string[] },
  account: string,
): boolean {
  if (settings.serviceAccountKey === undefined) return false;
  const domain = accountDomain(account);
  return domain !== undefined && (settings.delegatedDomains ?? []).includes(domain);
}

/** The accounts the settings use (sources, then the shared calendar's), each with its credential. */
export function accountCredentials(settings: Settings): Record<string, Credential> {
  const accounts = settings.sourceCalendars.map((c) => settings.calendarAccounts[c] ?? c);
  const shared = settings.sharedCalendarAccount ?? settings.inviteEmail;
  if (shared !== undefined) accounts.push(shared);
  return Object.fromEntries(
    accounts.map((a) => [a, isDelegatedAccount(settings, a) ? 'service account' : 'token file'] as const),
  );
}

/** serviceAccountKeyFile as written in config.json: relative paths are relative to the config dir. */
export function keyFilePath(settings: Pick<Settings, 'configDir'>, file: string): string {
  return isAbsolute(file) ? file : resolve(settings.configDir, file);
}

/**
 * The domains of the source accounts that have no token file: the ones the
 * service account must act as (a personal account with a token file needs
 * no delegation, and gmail.com cannot be delegated).
 */
function domainsToDelegate(settings: Settings): string[] {
  const tokens = tokensDirPath(settings.configDir);
  const domains = settings.sourceCalendars
    .map((c) => settings.calendarAccounts[c] ?? c)
    .filter((a) => !existsSync(join(tokens, `${a}.json`)))
    .map(accountDomain)
    .filter((d): d is string => d !== undefined && d !== 'gmail.com' && d !== 'googlemail.com');
  return [...new Set(domains)];
}

/** A key without domains impersonates no one, and domains without a key cannot work: both are typos of intent. */
export function checkDelegation(settings: Settings): void {
  if (settings.serviceAccountKey !== undefined && settings.delegatedDomains.length === 0) {
    throw new ConfigError('a service account key is set, but delegatedDomains is empty', {
      hint: `run: calsync config set delegatedDomains ${domainsToDelegate(settings).join(',') || '<your Workspace domain>'} (the Workspace domain(s) whose accounts the service account acts as)`,
    });
  }
  if (settings.serviceAccountKey === undefined && settings.delegatedDomains.length > 0) {
    throw new ConfigError(
      `delegatedDomains (${settings.delegatedDomains.join(', ')}) is set, but no service account key`,
      {
        hint: 'run: calsync config set serviceAccountKeyFile /path/to/key.json (or set CALSYNC_SERVICE_ACCOUNT_KEY_FILE)',
      },
    );
  }
}
