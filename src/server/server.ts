import { loadMetricsRender } from './preload.js';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Settings } from '../config/types.js';
import { OperationError, errorMessage } from '../errors.js';
import { packageVersion } from '../metrics/package-version.js';
import { log } from '../util/log.js';
import { ChannelDirectory } from './channel-directory.js';
import { defaultPoll } from './default-poll.js';
import { healthAnswer } from './health.js';
import { readPollConfigFailure } from '../state/poll-failure.js';
import { SERVER_LIMITS, applyServerLimits } from './limits.js';
import { handleNotification } from './notification.js';
import type { NotificationContext } from './notification.js';
import { PollQueue } from './poll-queue.js';
import type { PollFn } from './poll-queue.js';
import { ConnectionSlots } from './connection-slots.js';
import { consumeBody } from './read-body.js';
import { send, sendJson } from './respond.js';
import type { State } from '../state/types.js';
import { StateReader } from './state-reader.js';
import { ThrottledWarning } from './throttled-warning.js';
import { WEBHOOK_PATH } from '../push/webhook-address.js';
import { WebhookCounter } from './webhook-counter.js';
import { WebhookTokenCheck } from '../push/webhook-token.js';

export interface WebhookServerOptions {
  settings: Settings;
  host: string;
  /** 0 picks a free port (tests); the bound one is in `url`. */
  port: number;
  /** What a notification triggers; default: `runPoll` of that calendar. */
  poll?: PollFn;
  /**
   * The process's stop (SIGTERM, SIGINT: cli/serve-webhook.ts), given to the
   * default poll: a running poll stops its requests and saves its state
   * instead of running on. Without it (tests), close() lets a poll finish.
   */
  stop?: AbortSignal;
}

export interface WebhookServerStats {
  readonly pollsStarted: number;
  readonly notificationsAccepted: number;
}

export interface WebhookServer {
  /** e.g. `http://127.0.0.1:5000` */
  url: string;
  /** Stops accepting, waits for the running polls (stopped first by `stop`, when given), saves the counters. */
  close(): Promise<void>;
  stats: WebhookServerStats;
}

/** How long close() lets open requests finish before it cuts their sockets. */
const CLOSE_GRACE_MS = 2_000;

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'is in use (another serve-webhook?)'
          : err.code === 'EACCES'
            ? 'may not be used by this user'
            : `cannot be listened on (${err.code ?? err.message})`;
      reject(
        new OperationError(`port ${port} on ${host} ${why}`, {
          hint: 'stop what uses it, or pick another with --port',
        }),
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * `/webhook`, and the webhook URL's own path when it has one: a reverse
 * proxy that passes the path through then needs no rewrite rule.
 */
function notificationPaths(webhookUrl: string | undefined): Set<string> {
  const paths = new Set([WEBHOOK_PATH]);
  try {
    if (webhookUrl) paths.add(new URL(webhookUrl).pathname);
  } catch {
    // an invalid URL is `calsync watch`'s to report
  }
  paths.delete('/');
  paths.delete('/health');
  paths.delete('/metrics');
  return paths;
}

const metricsUnreadable = new ThrottledWarning('/metrics: the state file cannot be read');

/** Malformed or slow requests get a short answer and a closed socket, never an exception. */
function onClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  log.debug('bad request from a client', { code: err.code });
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? '408 Request Timeout'
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
  // end() alone only half-closes: a client that never closes its side would
  // keep the socket, and its place under the connection cap, for ever.
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

/**
 * `calsync serve-webhook`: receives Google's push notifications and serves
 * `/health` and `/metrics`. Every piece of state it reports is read from the
 * state file, so polls run by other processes (timer, CLI) count too.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { settings } = options;
  const reader = new StateReader(settings.configDir);
  const channels = new ChannelDirectory(reader);
  await channels.load();
  const queue = new PollQueue(options.poll ?? defaultPoll(settings, options.stop));
  const counter = new WebhookCounter(settings.configDir);
  const webhookPaths = notificationPaths(settings.webhookUrl);
  let notificationsAccepted = 0;
  const notification: NotificationContext = {
    channels,
    token: new WebhookTokenCheck(settings),
    queue,
    counter,
    onAccepted: () => {
      notificationsAccepted += 1;
    },
  };

  const slots = new ConnectionSlots({
    maxConnections: SERVER_LIMITS.maxConnections,
    reserve: SERVER_LIMITS.reservedSlots,
    graceMs: SERVER_LIMITS.connectionGraceMs,
    burst: SERVER_LIMITS.burstConnections,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Until its body is in, a request may be cut to make room for others (a slow body is a slowloris too).
    const body = await consumeBody(req, SERVER_LIMITS.maxBodyBytes);
    if (body === 'aborted') return;
    slots.answering(req.socket);
    res.once('finish', () => slots.answered(req.socket));
    if (body === 'too-large') {
      send(res, 413, 'request body too large\n', undefined, { Connection: 'close' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (req.method === 'POST' && path !== undefined && webhookPaths.has(path))
      return handleNotification(req, res, notification);
    if (read && path === '/health') {
      try {
        const [state, pollFailure] = await Promise.all([
          reader.read(),
          readPollConfigFailure(settings.configDir),
        ]);
        const answer = healthAnswer(state, settings, new Date(), pollFailure);
        sendJson(res, answer.status, answer.body);
      } catch (err) {
        sendJson(res, 503, {
          status: 'fail',
          checks: [{ kind: 'state', subject: 'state', status: 'CRITICAL', message: errorMessage(err) }],
        });
      }
      return;
    }
    if (read && path === '/metrics') {
      let state: State;
      try {
        state = await reader.read();
      } catch (err) {
        // Every scrape would log it again: once a minute is enough (health-check reports it CRITICAL).
        metricsUnreadable.warn({ error: errorMessage(err) });
        send(res, 503, 'state unreadable\n');
        return;
      }
      // Notifications counted since the last flush belong in the answer already.
      const shown = {
        ...state,
        metrics: { ...state.metrics, webhooksReceived: state.metrics.webhooksReceived + counter.unflushed },
      };
      // prom-client loads with the first scrape: a server nobody scrapes does not carry it.
      const { METRICS_CONTENT_TYPE, renderMetrics } = await loadMetricsRender();
      send(
        res,
        200,
        await renderMetrics(shown, { includeProcess: true, version: packageVersion() }),
        METRICS_CONTENT_TYPE,
      );
      return;
    }
    send(res, 404, 'not found\n');
  }

  // Node enforces the header and request time-outs only at each connections check (default every 30 s).
  const server = createServer(
    {
      maxHeaderSize: SERVER_LIMITS.maxHeaderSize,
      connectionsCheckingInterval: SERVER_LIMITS.connectionsCheckingIntervalMs,
    },
    (req, res) => {
      route(req, res).catch((err: unknown) => {
        log.error('request failed', { path: (req.url ?? '').slice(0, 100), error: errorMessage(err) });
        send(res, 500, 'internal error\n');
      });
    },
  );
  applyServerLimits(server);
  server.on('connection', (socket: Socket) => slots.admit(socket));
  server.on('clientError', onClientError);
  const url = urlOf(await listen(server, options.host, options.port));

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await queue.drain();
    await counter.close();
    await closed;
    clearTimeout(cut);
  }

  return {
    url,
    close: () => (closing ??= shutdown()),
    stats: {
      get pollsStarted() {
        return queue.pollsStarted;
      },
      get notificationsAccepted() {
        return notificationsAccepted;
      },
    },
  };
}
