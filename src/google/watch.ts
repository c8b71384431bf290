import { randomUUID } from 'node:crypto';
import type { Settings } from '../config/types.js';
import { ConfigError, errorMessage } from '../errors.js';
import { webhookAddress } from '../server/webhook-address.js';
import { resolveWebhookToken } from '../server/webhook-token.js';
import { openState, readState, withStateLock } from '../state/index.js';
import type { WatchChannel } from '../state/index.js';
import { log } from '../util/log.js';
import { accountFor } from './auth.js';
import { calendarFor } from './client.js';
import type { Calendar } from './client.js';
import { classifyGoogleError } from './google-error.js';
import { withRetry } from './retry.js';

export { resolveWebhookToken };

/** Google's maximum channel lifetime (it may shorten it): one week. */
export const CHANNEL_TTL_SECONDS = 604_800;
/** A channel that ends sooner than this is renewed (a daily `calsync watch` then never lets one lapse). */
export const RENEW_WITHIN_MS = 24 * 3_600_000;

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
}

/** Google's `expiration` is ms since epoch, a string in the client's types and a number in the docs: accept both. */
function parseExpiration(value: string | number | null | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

async function startChannel(client: Calendar, calendarId: string, address: string, token: string, now: number): Promise<WatchChannel> {
  const id = randomUUID();
  const res = await withRetry(
    () =>
      client.events.watch({
        calendarId,
        requestBody: { id, type: 'web_hook', address, token, params: { ttl: String(CHANNEL_TTL_SECONDS) } },
      }),
    { label: `events.watch ${calendarId}` },
  );
  if (!res.data.resourceId) throw new Error('events.watch answered without a resourceId');
  return {
    id,
    resourceId: res.data.resourceId,
    expiration: parseExpiration(res.data.expiration, now + CHANNEL_TTL_SECONDS * 1000),
    address,
    createdAt: new Date(now).toISOString(),
  };
}

async function stopChannel(client: Calendar, channel: WatchChannel): Promise<void> {
  try {
    await withRetry(() => client.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }), {
      label: `channels.stop ${channel.id}`,
    });
  } catch (err) {
    // 404: Google no longer knows the channel (it expired): what stopping wanted.
    if (classifyGoogleError(err).status !== 404) throw err;
  }
}

/** Sets (or, with `undefined`, removes) a calendar's channel in the state, under the state lock. */
async function saveChannel(configDir: string, calendarId: string, channel: WatchChannel | undefined, onlyIfId?: string): Promise<void> {
  await withStateLock(configDir, async () => {
    const store = await openState(configDir);
    const current = store.state.channels[calendarId];
    // Another `watch` may have replaced the channel meanwhile: never remove theirs.
    if (onlyIfId !== undefined && current?.id !== onlyIfId) return;
    if (channel) store.state.channels[calendarId] = channel;
    else delete store.state.channels[calendarId];
    await store.save();
  });
}

function needsRenewal(channel: WatchChannel | undefined, address: string, now: number, force: boolean): boolean {
  if (!channel || force) return true;
  // A changed webhook URL means the live channel delivers to the old address.
  if (channel.address !== address) return true;
  return channel.expiration - now < RENEW_WITHIN_MS;
}

async function renewOne(o: Required<Pick<WatchOptions, 'settings' | 'now' | 'clientFor'>> & { force: boolean; address: string; token: string }, calendarId: string, existing: WatchChannel | undefined): Promise<ChannelOutcome> {
  const now = o.now();
  if (!needsRenewal(existing, o.address, now, o.force)) {
    return { calendarId, action: 'kept', channelId: existing?.id, expiresAt: existing ? new Date(existing.expiration).toISOString() : undefined };
  }
  const client = o.clientFor(calendarId);
  const channel = await startChannel(client, calendarId, o.address, o.token, now);
  await saveChannel(o.settings.configDir, calendarId, channel);
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
      await stopChannel(client, existing);
    } catch (err) {
      outcome.stopWarning = errorMessage(err);
      log.warn('could not stop the replaced channel; it expires on its own', { calendar: calendarId, channel: existing.id, error: errorMessage(err) });
    }
  }
  return outcome;
}

async function stopOne(o: Required<Pick<WatchOptions, 'settings' | 'clientFor'>>, calendarId: string, existing: WatchChannel | undefined): Promise<ChannelOutcome> {
  if (!existing) return { calendarId, action: 'none' };
  await stopChannel(o.clientFor(calendarId), existing);
  await saveChannel(o.settings.configDir, calendarId, undefined, existing.id);
  return { calendarId, action: 'stopped', stoppedChannelId: existing.id };
}

/**
 * `calsync watch`: creates push channels for source calendars that have none,
 * renews those that expire within 24 h (all with `force`), or stops them all.
 * One calendar's failure does not stop the others; it makes the exit status 1.
 */
export async function runWatch(options: WatchOptions): Promise<WatchReport> {
  const { settings } = options;
  const now = options.now ?? Date.now;
  const clientFor = options.clientFor ?? ((calendarId: string) => calendarFor(settings, accountFor(settings, calendarId)));
  if (!options.stop && settings.sourceCalendars.length === 0) {
    throw new ConfigError('no source calendars are set', { hint: 'set CALSYNC_SOURCE_CALENDARS (comma-separated calendar ids)' });
  }
  const state = await readState(settings.configDir);
  // With --stop neither the URL nor the token matters: stopping must work after the URL was unset.
  const address = options.stop ? '' : webhookAddress(settings.webhookUrl);
  const token = options.stop ? '' : resolveWebhookToken(settings);

  const calendars: ChannelOutcome[] = [];
  for (const calendarId of settings.sourceCalendars) {
    const existing = state.channels[calendarId];
    try {
      calendars.push(
        options.stop
          ? await stopOne({ settings, clientFor }, calendarId, existing)
          : await renewOne({ settings, now, clientFor, force: options.force === true, address, token }, calendarId, existing),
      );
    } catch (err) {
      log.error('watch channel failed', { calendar: calendarId, error: errorMessage(err) });
      calendars.push({ calendarId, action: 'failed', error: errorMessage(err) });
    }
  }
  // Channels of calendars no longer polled would deliver to us forever (until expiry): stop them too.
  if (options.stop) {
    for (const [calendarId, channel] of Object.entries(state.channels)) {
      if (settings.sourceCalendars.includes(calendarId)) continue;
      try {
        calendars.push(await stopOne({ settings, clientFor }, calendarId, channel));
      } catch (err) {
        calendars.push({ calendarId, action: 'failed', error: errorMessage(err) });
      }
    }
  }
  return { exitCode: calendars.some((c) => c.action === 'failed') ? 1 : 0, calendars };
}
