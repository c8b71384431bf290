/**
 * Who really signed in: on Google's account chooser a person can pick any of
 * their accounts, whatever calsync asked for. The primary calendar's id is the
 * account's address, so one calendars.get of "primary" tells.
 */
import type { Settings } from '../config/types.js';
import { AuthError, OperationError, errorMessage } from '../errors.js';
import type { OAuthClient } from './auth.js';
import { calendarWithAuth } from './client.js';

export async function signedInAccount(
  settings: Pick<Settings, 'googleApiRoot'>,
  client: OAuthClient,
  account: string,
): Promise<string> {
  try {
    const { data } = await calendarWithAuth(settings, client).calendars.get({ calendarId: 'primary' });
    if (typeof data.id === 'string' && data.id !== '') return data.id;
  } catch (err) {
    throw new OperationError(
      `could not read the primary calendar to check who signed in (${errorMessage(err)}); no token was saved`,
      { cause: err, hint: `run calsync auth ${account} again` },
    );
  }
  throw new OperationError('Google answered the primary calendar without an id; no token was saved', {
    hint: `run calsync auth ${account} again`,
  });
}

/** The mismatch error: which account signed in, and the two ways on. */
export function wrongAccountError(account: string, signedIn: string, rerun: string): AuthError {
  return new AuthError(account, `signed in as ${signedIn}, not ${account}; no token was saved`, {
    hint:
      `run ${rerun} again and pick ${account} on Google's account chooser ` +
      `(or sign out of ${signedIn} in that browser first); if ${signedIn} is meant to read ${account}'s calendar, ` +
      `add --allow-other-account`,
  });
}

/** Account names are addresses compared without case, as Google does. */
export function sameAccount(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
