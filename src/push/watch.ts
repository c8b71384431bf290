import { createHash, randomUUID } from 'node:crypto';
import type { Settings } from '../config/types.js';
import { ConfigError, InterruptedError, errorMessage } from '../errors.js';
import { webhookAddress } from './webhook-address.js';
import { resolveWebhookToken } from './webhook-token.js';
import { openState, readState, withStateLock } from '../state/index.js';
import type { StateStore, WatchChannel } from '../state/index.js';
import { log } from '../util/log.js';
import { accountFor } from '../google/auth.js';
import { calendarFor } from '../google/client.js';
import type { Calendar } from '../google/client.js';
import { classifyGoogleError } from '../google/google-error.js';
import { requestSignals } from '../google/request-signals.js';
import { withRetry } from '../google/retry.js';
import { HostOutage } from '../google/outage.js';

export { resolveWebhookToken };

/** Google's maximum channel lifetime (it may shorten it): one week. */
export const CHANNEL_TTL_SECONDS = 604_800;
/**
 * A channel that ends sooner than this is renewed. Not 24 h: the daily timer
 * (with its random delay of up to 30 min) would then keep a channel with
 * 24 h 15 min left, which health-check warns about for the next day, and renew
 * it only after it lapsed. 60 h renews every channel at least a day before
 * health-check's 24 h threshold.
 */
export const RENEW_WITHIN_MS = 60 * 3_600_000;

export type ChannelAction = 'created' | 'renewed' | 'kept' | 'stopped' | 'none' | 'failed';

export interface ChannelOutcome {
  calendarId: string;
  action: ChannelAction;
  channelId?: string;
  /** ISO time the live channel expires. */
  expiresAt?: string;
  /** The replaced (or, with --stop, stopped) channel. */
  stoppedChannelId?: string;
  /** The replaced channel could not be stopped; it expires on its own and its notifications get 404. */
  stopWarning?: string;
  error?: string;
}

export interface WatchReport {
  exitCode: 0 | 1;
  calendars: ChannelOutcome[];
}

export interface WatchOptions {
  settings: Settings;
  /** Stop every channel instead of creating or renewing. */
  stop?: boolean;
  /** Renew every channel, however long it still lives. */
  force?: boolean;
  now?: () => number;
  /** The Calendar client of a calendar's account; tests and the server pass their own. */
  clientFor?: (calendarId: string) => Calendar;
  /**
   * SIGINT, SIGTERM (cli/stop-signals.ts): the calendar in hand finishes and is saved, unless its
   * request does not answer in time (google/request-signals.ts); no other is started.
   */
  signal?: AbortSignal;
}

/** Google's `expiration` is ms since epoch, a string in the client's types and a number in the docs: accept both. */
function parseExpiration(value: string | number | null | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** What every Google call of a run shares: the hosts that stopped answering, and the stop. */
interface CallContext {
  outage: HostOutage;
  signal: AbortSignal | undefined;
}

async function startChannel(
  client: Calendar,
  calendarId: string,
  address: string,
  token: string,
  now: number,
  calls: CallContext,
): Promise<WatchChannel> {
  const id = randomUUID();
  const res = await withRetry(
    () =>
      client.events.watch({
        calendarId,
        requestBody: { id, type: 'web_hook', address, token, params: { ttl: String(CHANNEL_TTL_SECONDS) } },
      }),
    { label: `events.watch ${calendarId}`, ...retryContext(calls) },
  );
  if (!res.data.resourceId) throw new Error('events.watch answered without a resourceId');
  return {
    id,
    resourceId: res.data.resourceId,
    expiration: parseExpiration(res.data.expiration, now + CHANNEL_TTL_SECONDS * 1000),
    address,
    createdAt: new Date(now).toISOString(),
    tokenFingerprint: tokenFingerprint(token),
  };
}

/** Which token a channel was made with, without keeping the token in the state. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

function retryContext(calls: CallContext): { outage: HostOutage; signal?: AbortSignal } {
  return { outage: calls.outage, ...(calls.signal ? { signal: calls.signal } : {}) };
}

async function stopChannel(client: Calendar, channel: WatchChannel, calls: CallContext): Promise<void> {
  try {
    await withRetry(
      () => client.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }),
      { label: `channels.stop ${channel.id}`, ...retryContext(calls) },
    );
  } catch (err) {
    // 404: Google no longer knows the channel (it expired): what stopping wanted.
    if (classifyGoogleError(err).status !== 404) throw err;
  }
}

/**
 * Runs one calendar's decide-create-save-stop under the state lock, so two
 * `watch` runs (the daily timer and a user) never both replace a channel and
 * leave one of the new ones unknown and running.
 */
async function underLock(
  configDir: string,
  work: (store: StateStore) => Promise<ChannelOutcome>,
  signal?: AbortSignal,
): Promise<ChannelOutcome> {
  return withStateLock(configDir, async () => work(await openState(configDir)), signal ? { signal } : {});
}

function needsRenewal(
  channel: WatchChannel | undefined,
  address: string,
  token: string,
  now: number,
  force: boolean,
): boolean {
  if (!channel || force) return true;
  // A changed webhook URL means the live channel delivers to the old address.
  if (channel.address !== address) return true;
  // A rotated token: the live channel sends the old one, which the server now refuses with 403.
  if (channel.tokenFingerprint !== undefined && channel.tokenFingerprint !== tokenFingerprint(token))
    return true;
  return channel.expiration - now < RENEW_WITHIN_MS;
}

interface RenewContext {
  now: () => number;
  clientFor: (calendarId: string) => Calendar;
  force: boolean;
  address: string;
  token: string;
  /** Hosts that stopped answering in this run (the calendars after them fail at once: outage.ts), and the stop. */
  calls: CallContext;
}

async function renewOne(o: RenewContext, store: StateStore, calendarId: string): Promise<ChannelOutcome> {
  const existing = store.state.channels[calendarId];
  const now = o.now();
  if (!needsRenewal(existing, o.address, o.token, now, o.force)) {
    return {
      calendarId,
      action: 'kept',
      channelId: existing?.id,
      expiresAt: existing ? new Date(existing.expiration).toISOString() : undefined,
    };
  }
  const client = o.clientFor(calendarId);
  const channel = await startChannel(client, calendarId, o.address, o.token, now, o.calls);
  store.state.channels[calendarId] = channel;
  await store.save();
  const outcome: ChannelOutcome = {
    calendarId,
    action: existing ? 'renewed' : 'created',
    channelId: channel.id,
    expiresAt: new Date(channel.expiration).toISOString(),
  };
  // The old channel is stopped only now that its successor is live and stored: no gap in notifications.
  if (existing) {
    outcome.stoppedChannelId = existing.id;
    try {
      await stopChannel(client, existing, o.calls);
    } catch (err) {
      outcome.stopWarning = errorMessage(err);
      log.warn('could not stop the replaced channel; it expires on its own', {
        calendar: calendarId,
        channel: existing.id,
        error: errorMessage(err),
      });
    }
  }
  return outcome;
}

async function stopOne(
  clientFor: (calendarId: string) => Calendar,
  store: StateStore,
  calendarId: string,
  calls: CallContext,
): Promise<ChannelOutcome> {
  const existing = store.state.channels[calendarId];
  if (!existing) return { calendarId, action: 'none' };
  await stopChannel(clientFor(calendarId), existing, calls);
  delete store.state.channels[calendarId];
  await store.save();
  return { calendarId, action: 'stopped', stoppedChannelId: existing.id };
}

/**
 * The channel of a calendar no longer among the sources. Its account may be
 * gone too: when Google cannot be told, the channel is forgotten anyway
 * (its notifications then get 404 until it expires), rather than failing
 * every daily run.
 */
async function stopDropped(
  clientFor: (calendarId: string) => Calendar,
  store: StateStore,
  calendarId: string,
  calls: CallContext,
): Promise<ChannelOutcome> {
  try {
    return await stopOne(clientFor, store, calendarId, calls);
  } catch (err) {
    // Stopped: the channel stays known, and the next run stops it.
    if (err instanceof InterruptedError) throw err;
    const existing = store.state.channels[calendarId];
    delete store.state.channels[calendarId];
    await store.save();
    return {
      calendarId,
      action: 'stopped',
      stoppedChannelId: existing?.id,
      stopWarning: `not a source calendar any more; Google could not be told to stop its channel (${errorMessage(err)}), which now expires on its own`,
    };
  }
}

/**
 * `calsync watch`: creates push channels for source calendars that have none,
 * renews those that expire within 60 h (all with `force`), or stops them all.
 * One calendar's failure does not stop the others; it makes the exit status 1.
 */
export async function runWatch(options: WatchOptions): Promise<WatchReport> {
  const { settings } = options;
  const now = options.now ?? Date.now;
  // At a stop, a request in flight ends (google/request-signals.ts): events.watch and channels.stop are writes.
  const signals = options.signal ? requestSignals(options.signal) : undefined;
  const clientFor =
    options.clientFor ??
    ((calendarId: string) => calendarFor(settings, accountFor(settings, calendarId), signals));
  if (!options.stop && settings.sourceCalendars.length === 0) {
    throw new ConfigError('no source calendars are set', {
      hint: 'run: calsync config set sourceCalendars you@gmail.com,partner@gmail.com',
    });
  }
  // With --stop neither the URL nor the token matters: stopping must work after the URL was unset.
  const address = options.stop ? '' : webhookAddress(settings.webhookUrl);
  const token = options.stop ? '' : resolveWebhookToken(settings);

  const calls: CallContext = { outage: new HostOutage(), signal: options.signal };
  const renew: RenewContext = { now, clientFor, force: options.force === true, address, token, calls };
  const sources = settings.sourceCalendars;
  // Channels of calendars no longer polled are stopped (with or without
  // --stop): they would deliver notifications nobody polls for until they expire.
  const dropped = Object.keys((await readState(settings.configDir)).channels).filter(
    (calendarId) => !sources.includes(calendarId),
  );
  const calendars: ChannelOutcome[] = [];
  for (const calendarId of [...sources, ...dropped]) {
    if (options.signal?.aborted) break;
    const act = (store: StateStore): Promise<ChannelOutcome> =>
      !sources.includes(calendarId)
        ? stopDropped(clientFor, store, calendarId, calls)
        : options.stop
          ? stopOne(clientFor, store, calendarId, calls)
          : renewOne(renew, store, calendarId);
    try {
      calendars.push(await underLock(settings.configDir, act, options.signal));
    } catch (err) {
      // Stopped: not this calendar's failure; the stop's own line says what happened.
      if (options.signal?.aborted) {
        calendars.push({ calendarId, action: 'failed', error: errorMessage(err) });
        break;
      }
      log.error('watch channel failed', { calendar: calendarId, error: errorMessage(err) });
      calendars.push({ calendarId, action: 'failed', error: errorMessage(err) });
    }
  }
  return { exitCode: calendars.some((c) => c.action === 'failed') ? 1 : 0, calendars };
}
