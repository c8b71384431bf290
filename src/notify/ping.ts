import { errorMessage } from '../errors.js';
import { log, registerSecret } from '../util/log.js';
import { urlForMessage } from '../util/url-text.js';

/** A monitor that does not answer within this long is treated as a failed ping. */
export const PING_TIMEOUT_MS = 5_000;

/**
 * Sends one ping and never throws: a monitoring outage must not fail the
 * sync it monitors. The URL carries the monitor's secret token (registered
 * for redaction by parsePingUrl), so the log line names only its host.
 */
export async function sendPing(
  monitor: string,
  url: URL,
  init: { method: 'GET' | 'POST'; body?: string; timeoutMs?: number },
): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: init.method,
      ...(init.body === undefined
        ? {}
        : { body: init.body, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      signal: AbortSignal.timeout(init.timeoutMs ?? PING_TIMEOUT_MS),
    });
    // Drain the body so the connection is released at once.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) {
      log.warn(`${monitor} ping failed`, { url: redactUrl(url), status: res.status });
      return false;
    }
    return true;
  } catch (err) {
    const reason =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${(init.timeoutMs ?? PING_TIMEOUT_MS) / 1000}s`
        : causeOf(err);
    log.warn(`${monitor} ping failed`, {
      url: redactUrl(url),
      error: reason.replaceAll(url.href, '[redacted]'),
    });
    return false;
  }
}

/** fetch() says only "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND …) is what helps. */
function causeOf(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return errorMessage(err);
}

/** Options of the heartbeat adapters. */
export interface PingOptions {
  /** Default PING_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** A malformed monitor URL is one warning per ping, never an exception. */
export function parsePingUrl(monitor: string, raw: string): URL | undefined {
  registerSecret(raw);
  try {
    return new URL(raw);
  } catch {
    log.warn(`${monitor} ping skipped: the configured URL is not a valid URL`);
    return undefined;
  }
}

/** The scheme and host only: the path and query of a push URL are its secret. */
export function redactUrl(url: URL): string {
  return urlForMessage(url, { path: false });
}
