import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../util/log.js';
import type { ChannelDirectory } from './channel-directory.js';
import type { PollQueue } from './poll-queue.js';
import { send } from './respond.js';
import { ThrottledWarning } from './throttled-warning.js';
import type { WebhookCounter } from './webhook-counter.js';
import type { WebhookTokenCheck } from '../push/webhook-token.js';

export interface NotificationContext {
  channels: ChannelDirectory;
  /** The token every channel was created with. */
  token: Pick<WebhookTokenCheck, 'matches'>;
  queue: PollQueue;
  counter: WebhookCounter;
  onAccepted: () => void;
}

const forgedToken = new ThrottledWarning(
  'notification with a wrong or missing channel token (forged, or channels made with another token: run calsync watch --force)',
);

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * `POST /webhook`: a Google push notification. Only a known channel with the
 * right token is answered 200; the poll it asks for runs after the answer,
 * so Google never waits for (or retries because of) a slow poll.
 */
export async function handleNotification(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: NotificationContext,
): Promise<void> {
  const channelId = header(req, 'x-goog-channel-id');
  const tokenOk = ctx.token.matches(header(req, 'x-goog-channel-token'));
  // Only the right token may make the directory read the state again (for a
  // channel saved a moment ago): a forged request costs no read at all.
  const calendarId = !channelId
    ? undefined
    : tokenOk
      ? await ctx.channels.calendarFor(channelId)
      : ctx.channels.known(channelId);
  if (calendarId === undefined) {
    log.debug('notification for an unknown channel', { channel: channelId?.slice(0, 64) });
    send(res, 404, 'unknown channel\n');
    return;
  }
  if (!tokenOk) {
    forgedToken.warn({ calendar: calendarId });
    send(res, 403, 'forbidden\n');
    return;
  }
  send(res, 200, '');
  ctx.onAccepted();
  ctx.counter.add();
  const resourceState = header(req, 'x-goog-resource-state');
  log.debug('notification', {
    calendar: calendarId,
    state: resourceState,
    message: header(req, 'x-goog-message-number'),
  });
  // `sync` only confirms a new channel; every other state means something changed.
  if (resourceState !== 'sync') ctx.queue.request(calendarId);
}
