import type { Heartbeat } from './heartbeat.js';
import { parsePingUrl, sendPing, type PingOptions } from './ping.js';

/** Uptime Kuma keeps `msg` short in its UI; long reasons are cut here, not by a proxy. */
const MAX_MESSAGE = 200;

/**
 * Uptime Kuma push monitor: `GET <url>?status=up|down&msg=…&ping=<ms>`.
 * Query parameters already in the URL (some setups copy the whole example
 * URL, `?status=up&msg=OK&ping=`) are kept, ours replace theirs.
 * Kuma has no "start" event: only the outcome is pushed.
 */
export function uptimeKumaHeartbeat(pushUrl: string, options: PingOptions = {}): Heartbeat {
  const push = async (status: 'up' | 'down', message: string, durationMs?: number): Promise<void> => {
    const url = parsePingUrl('Uptime Kuma', pushUrl);
    if (!url) return;
    url.searchParams.set('status', status);
    url.searchParams.set('msg', message.slice(0, MAX_MESSAGE));
    if (durationMs === undefined) url.searchParams.delete('ping');
    else url.searchParams.set('ping', String(Math.max(0, Math.round(durationMs))));
    await sendPing('Uptime Kuma', url, { method: 'GET', ...options });
  };
  return {
    start: () => Promise.resolve(),
    success: (message, durationMs) => push('up', message, durationMs),
    failure: (message) => push('down', message),
  };
}
