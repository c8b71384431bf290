/**
 * An account's access token as an earlier process cached it, read without
 * the client library (for a plain events.list, plain-list.ts): the same file,
 * grant check and margin the library's clients start from.
 */
import { isDelegatedAccount } from '../config/delegation.js';
import { parseServiceAccountKey } from '../config/service-account-key.js';
import type { Settings } from '../config/types.js';
import {
  invalidateAccessToken,
  readAccessToken,
  serviceAccountGrant,
  userGrant,
} from './access-token-cache.js';
import { readTokenFile } from './token-store.js';

function grantOf(settings: Settings, account: string): string | undefined {
  if (isDelegatedAccount(settings, account)) {
    const key = parseServiceAccountKey(settings.serviceAccountKey ?? '');
    return 'problem' in key ? undefined : serviceAccountGrant(key.client_email, key.private_key, account);
  }
  return userGrant(readTokenFile(settings.configDir, account));
}

/**
 * The cached access token while it stays valid past the margin; undefined
 * when there is none, or any doubt (no token file, a bad key): the client
 * library then takes the call and reports the problem as it always does.
 */
export function cachedBearer(settings: Settings, account: string): string | undefined {
  try {
    const grant = grantOf(settings, account);
    return grant === undefined
      ? undefined
      : readAccessToken(settings.configDir, account, grant)?.access_token;
  } catch {
    return undefined;
  }
}

/** Google refused the cached token: the library's client must not start from it. */
export function forgetCachedBearer(settings: Settings, account: string): Promise<void> {
  return invalidateAccessToken(settings.configDir, account);
}
