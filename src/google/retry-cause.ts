/**
 * Why a Google call failed, in the words a person acts on: the host and the
 * network error (ECONNREFUSED, ENOTFOUND…), or the HTTP status and Google's
 * reason. The first retry's warning line carries it.
 */
import type { GoogleErrorInfo } from './google-error.js';
import { isTokenFailure, TOKEN_REQUEST } from './token-request.js';

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** The host the failed request went to (gaxios keeps the request in `config`; so does plain-list.ts). */
export function requestHost(err: unknown): string | undefined {
  const url = asObject(asObject(err)?.config)?.url;
  try {
    if (url instanceof URL) return url.host;
    if (typeof url === 'string') return new URL(url).host;
  } catch {
    // not a URL: no host to name
  }
  return undefined;
}

/** The first error code down the cause chain (ECONNREFUSED sits in `cause` with fetch). */
function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = asObject(e)?.code;
    if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return code;
    e = asObject(e)?.cause;
  }
  return undefined;
}

export function retryCause(err: unknown, info: GoogleErrorInfo): string {
  const host = requestHost(err);
  const what =
    info.status !== undefined
      ? `${info.status}${info.reason ? ` ${info.reason}` : ''}`
      : (codeOf(err) ?? info.message);
  const where = host ? `${host}: ${what}` : what;
  // The call was never sent: its token request failed, at the token endpoint's host.
  return isTokenFailure(err) ? `${TOKEN_REQUEST} at ${where}` : where;
}
