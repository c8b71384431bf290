/**
 * Push notifications (https://developers.google.com/workspace/calendar/api/guides/push):
 * channels on a calendar's events, a `sync` message at creation, `exists`
 * on every change. Deliveries never block the API call that caused them.
 */
import type { HandlerResult, RequestContext } from './context.js';
import { ApiError, errors } from './google-errors.js';
import { isRecord } from './http-util.js';
import { randomToken } from './ids.js';
import type { Store } from './store.js';
import type { DeliveryLogEntry } from './types.js';

const DEFAULT_TTL_SECONDS = 604_800;
const RETRY_STATUSES = new Set([500, 502, 503, 504]);
const MAX_ATTEMPTS = 3;

interface Channel {
  id: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  account: string;
  address: string;
  token: string | undefined;
  expiration: number;
  messageNumber: number;
  /** Deliveries of one channel go out in order. */
  queue: Promise<void>;
  stopped: boolean;
}

export class PushService {
  private readonly channels = new Map<string, Channel>();
  readonly deliveries: DeliveryLogEntry[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** Aborts deliveries still in flight when the emulator closes. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly baseUrl: () => string,
  ) {
    store.onChange((calendarId) => {
      for (const ch of this.channels.values()) if (ch.calendarId === calendarId) this.enqueue(ch, 'exists');
    });
  }

  watch(ctx: RequestContext): HandlerResult {
    const cal = this.store.readable(ctx.params[0] ?? '', ctx.account);
    const body = ctx.body;
    if (!isRecord(body)) throw errors.parseError();
    const id = body.id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 64)
      throw errors.required('Required: channel id (at most 64 characters).');
    if (body.type !== 'web_hook' && body.type !== 'webhook')
      throw errors.invalid('Unknown channel type. Use web_hook.');
    const address = body.address;
    // Google delivers only to https ("address", events.watch reference; push guide: "valid SSL
    // certificate"). Plain http passes only on loopback, where tests run their receiver and which
    // Google could never reach: calsync refuses such a URL unless it is loopback too.
    if (typeof address !== 'string' || !(address.startsWith('https://') || isLoopbackHttp(address)))
      throw errors.invalid('WebHook callback must be HTTPS: ' + String(address));
    const token = body.token;
    if (token !== undefined && (typeof token !== 'string' || token.length > 256))
      throw errors.invalid('Channel token must be at most 256 characters.');
    if (this.channels.has(id))
      throw new ApiError(400, 'channelIdNotUnique', `Channel id ${id} not unique`, 'push');
    const params = isRecord(body.params) ? body.params : {};
    const ttl = Number(params.ttl ?? DEFAULT_TTL_SECONDS);
    // Google caps the lifetime of calendar channels; it may shorten what was asked.
    const seconds =
      Number.isFinite(ttl) && ttl > 0 ? Math.min(ttl, DEFAULT_TTL_SECONDS * 4) : DEFAULT_TTL_SECONDS;
    const channel: Channel = {
      id,
      resourceId: randomToken(20),
      resourceUri: `${this.baseUrl()}/calendar/v3/calendars/${encodeURIComponent(cal.id)}/events?alt=json`,
      calendarId: cal.id,
      account: ctx.account,
      address,
      token: typeof token === 'string' ? token : undefined,
      expiration: Date.now() + seconds * 1000,
      messageNumber: 0,
      queue: Promise.resolve(),
      stopped: false,
    };
    this.channels.set(id, channel);
    this.enqueue(channel, 'sync');
    const response: Record<string, unknown> = {
      kind: 'api#channel',
      id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      expiration: String(channel.expiration),
    };
    if (channel.token !== undefined) response.token = channel.token;
    return { status: 200, body: response };
  }

  stop(ctx: RequestContext): HandlerResult {
    const body = ctx.body;
    if (!isRecord(body) || typeof body.id !== 'string') throw errors.required('Required: channel id.');
    const ch = this.channels.get(body.id);
    // Only the user (and client) that created a channel can stop it.
    if (
      !ch ||
      ch.account !== ctx.account ||
      (body.resourceId !== undefined && body.resourceId !== ch.resourceId)
    ) {
      throw new ApiError(404, 'notFound', `Channel '${body.id}' not found for project`);
    }
    ch.stopped = true;
    this.channels.delete(ch.id);
    return { status: 204 };
  }

  /** Resolves when every delivery started so far has finished (tests wait on it). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops every channel and abandons deliveries in flight. */
  close(): void {
    for (const ch of this.channels.values()) ch.stopped = true;
    this.channels.clear();
    this.shutdown.abort();
  }

  private enqueue(ch: Channel, state: 'sync' | 'exists'): void {
    if (ch.stopped || this.shutdown.signal.aborted || ch.expiration <= Date.now()) return;
    ch.messageNumber += 1;
    const number = ch.messageNumber;
    const job = ch.queue.then(() => this.deliver(ch, state, number));
    ch.queue = job;
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  private async deliver(ch: Channel, state: 'sync' | 'exists', messageNumber: number): Promise<void> {
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': ch.id,
      'X-Goog-Channel-Expiration': new Date(ch.expiration).toUTCString(),
      'X-Goog-Resource-ID': ch.resourceId,
      'X-Goog-Resource-URI': ch.resourceUri,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(messageNumber),
      'User-Agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    };
    if (ch.token !== undefined) headers['X-Goog-Channel-Token'] = ch.token;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      if (ch.stopped) return;
      const entry: DeliveryLogEntry = {
        at: Date.now(),
        channelId: ch.id,
        calendarId: ch.calendarId,
        address: ch.address,
        state,
        messageNumber,
      };
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(10_000), this.shutdown.signal]);
        const res = await fetch(ch.address, { method: 'POST', headers, signal });
        await res.arrayBuffer().catch(() => undefined);
        entry.status = res.status;
        this.deliveries.push(entry);
        if (!RETRY_STATUSES.has(res.status)) return;
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
        this.deliveries.push(entry);
      }
      // Google retries failed deliveries with exponential backoff.
      if (attempt < MAX_ATTEMPTS && !this.shutdown.signal.aborted)
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
    }
  }
}

function isLoopbackHttp(address: string): boolean {
  try {
    const u = new URL(address);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
