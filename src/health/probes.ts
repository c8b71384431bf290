import { errorMessage } from '../errors.js';
import { urlForMessage } from '../util/url-text.js';
import type { CheckResult } from './types.js';

/** `--url` must answer within this long. */
export const URL_TIMEOUT_MS = 5_000;

/** `serve-webhook`'s /health must answer 200 in time; anything else is CRITICAL. */
export async function checkUrl(url: string): Promise<CheckResult> {
  // A --url with credentials or a query (a proxy's, a token) is named without them.
  const shown = urlForMessage(url);
  const base = {
    kind: 'url' as const,
    subject: shown,
    fix: 'check: systemctl [--user] status calsync-webhook.service',
  };
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(URL_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    });
    const body = await res.text().catch(() => '');
    if (res.status === 200)
      return { kind: 'url', subject: shown, status: 'OK', message: `${shown} answered 200` };
    return {
      ...base,
      status: 'CRITICAL',
      message: `${shown} answered ${res.status}${describeFailedChecks(body)}`,
    };
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${URL_TIMEOUT_MS / 1000}s`
        : causeOf(err);
    return { ...base, status: 'CRITICAL', message: `${shown} unreachable: ${reason}` };
  }
}

/** fetch() reports "fetch failed"; the useful part (ECONNREFUSED …) is its cause. */
function causeOf(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return errorMessage(err);
}

/** The failing checks of a 503 `{"status":"fail","checks":[{status, message}…]}` (serve-webhook's shape), when the body has them. */
function describeFailedChecks(body: string): string {
  let checks: unknown;
  try {
    checks = (JSON.parse(body) as { checks?: unknown }).checks;
  } catch {
    return '';
  }
  if (!Array.isArray(checks)) return '';
  const failing = checks.flatMap((c: unknown): string[] => {
    if (typeof c === 'string') return [c];
    if (typeof c !== 'object' || c === null) return [];
    const { status, message } = c as { status?: unknown; message?: unknown };
    return status !== 'OK' && typeof message === 'string' ? [message] : [];
  });
  return failing.length > 0 ? ` (${failing.slice(0, 3).join('; ')})` : '';
}
