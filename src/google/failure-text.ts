/**
 * A failed Google call in the words a calendar's error keeps (the poll's
 * report, `calsync status`, health-check): the status and Google's message,
 * or what answered instead of Google. When the failed request was the token
 * refresh in front of the call, it says so and names the token endpoint's
 * host: "500 internal_failure" alone sends a person to the Calendar API.
 */
import { BrokenAnswerError, GoogleUnreachableError } from '../errors.js';
import { classifyGoogleError, type GoogleErrorInfo } from './google-error.js';
import { hostOf } from './outage.js';
import { requestHost } from './retry-cause.js';
import { isTokenFailure, TOKEN_REQUEST } from './token-request.js';

/** Where an answer that is not Google's came from, and what to check: the API root, or the token endpoint. */
export const NOT_GOOGLE_HINT =
  "something other than Google's API answered: check the API root (calsync config get googleApiRoot) and any proxy on the way";
export const TOKEN_NOT_GOOGLE_HINT =
  "something other than Google's token endpoint answered the token refresh (a captive portal, a proxy): " +
  'check the token endpoint (calsync config get googleTokenUrl) and any proxy on the way';

export function googleFailureText(err: unknown, tokenUrl: string, info = classifyGoogleError(err)): string {
  const text =
    err instanceof BrokenAnswerError || info.status === undefined
      ? info.message
      : `${info.status} ${info.message}`;
  // An unreachable host's message already names the token refresh (outage.ts).
  if (!isTokenFailure(err) || err instanceof GoogleUnreachableError) return text;
  return `${TOKEN_REQUEST} at ${requestHost(err) ?? hostOf(tokenUrl) ?? 'the token endpoint'}: ${text}`;
}

/** The hint for an answer that is not Google's (a proxy's page, a portal's), by the request it answered. */
export function notGoogleHint(err: unknown, info: GoogleErrorInfo): string | undefined {
  if (info.reason !== 'notGoogle' && info.reason !== 'brokenAnswer') return undefined;
  if (isTokenFailure(err)) return TOKEN_NOT_GOOGLE_HINT;
  return info.reason === 'notGoogle' ? NOT_GOOGLE_HINT : undefined;
}

/** Why a token check (health-check, `auth --list`) got no token, when the credential was not refused. */
export interface TokenProblem {
  /** Something answered (Google with an error, or a page that is not Google's): not a network problem. */
  answered: boolean;
  /** An answer that is not Google's: check googleTokenUrl and the way there. */
  foreign: boolean;
  /** "the token refresh at <host> got …", "… answered 500 internal_failure", "could not reach …". */
  text: string;
}

export function tokenProblem(err: unknown, tokenUrl: string): TokenProblem {
  const info = classifyGoogleError(err);
  const host = requestHost(err) ?? hostOf(tokenUrl) ?? 'the OAuth token endpoint';
  if (info.reason === 'notGoogle' || info.reason === 'brokenAnswer')
    return { answered: true, foreign: true, text: `the token refresh at ${host} got ${info.message}` };
  if (info.status !== undefined)
    return {
      answered: true,
      foreign: false,
      text: `the OAuth token endpoint ${host} answered the token refresh with ${info.status} ${info.message}`,
    };
  return {
    answered: false,
    foreign: false,
    text: `could not reach the OAuth token endpoint ${host} to refresh the token (${info.message})`,
  };
}
