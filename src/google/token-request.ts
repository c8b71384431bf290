/**
 * Which failures were the token request's (a refresh, a service account's
 * grant) rather than the Calendar call's: the call behind it was never sent,
 * and a person must hear "the token refresh at oauth2.googleapis.com failed",
 * not "events.list failed". refresh-once.ts marks them; the retry warning
 * and the outage read the mark. A WeakSet keeps the library's error objects
 * as they are (their `response.data` tells invalid_grant apart).
 */
const tokenFailures = new WeakSet<object>();

/** What a token request is called in messages. */
export const TOKEN_REQUEST = 'token refresh';

/** Marks `err` as a token request's failure; returns it, to be thrown. */
export function markTokenFailure(err: unknown): unknown {
  if (typeof err === 'object' && err !== null) tokenFailures.add(err);
  return err;
}

export function isTokenFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && tokenFailures.has(err);
}
