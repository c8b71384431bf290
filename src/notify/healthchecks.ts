import { randomUUID } from 'node:crypto';
import type { Heartbeat } from './heartbeat.js';
import { parsePingUrl, sendPing, type PingOptions } from './ping.js';

/** healthchecks.io stores at most 100 kB of a ping body; our messages are far shorter. */
const MAX_BODY = 10_000;

/**
 * healthchecks.io-style check: `<url>/start`, `<url>` (success), `<url>/fail`,
 * each a POST whose body is the message shown in the check's log. One
 * `rid=<uuid>` per heartbeat object pairs a start with its end, so runs that
 * overlap (timer and webhook) are measured separately.
 */
export function healthchecksHeartbeat(pingUrl: string, options: PingOptions = {}): Heartbeat {
  const rid = randomUUID();
  const ping = async (suffix: '' | '/start' | '/fail', body: string): Promise<void> => {
    const url = parsePingUrl('healthchecks', pingUrl);
    if (!url) return;
    url.pathname = url.pathname.replace(/\/+$/, '') + suffix;
    url.searchParams.set('rid', rid);
    await sendPing('healthchecks', url, { method: 'POST', body: body.slice(0, MAX_BODY), ...options });
  };
  return {
    start: () => ping('/start', ''),
    success: (message) => ping('', message),
    failure: (message) => ping('/fail', message),
  };
}
