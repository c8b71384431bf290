import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';
import type { StateReader } from './state-reader.js';

/** Unknown channel ids re-read the state at most this often (a forged flood must not become a read flood). */
export const CHANNEL_REFRESH_INTERVAL_MS = 1_000;

/**
 * Channel id → source calendar, from the state's watch channels. `calsync
 * watch` runs in another process and may add a channel at any time, so an
 * unknown id is judged against a read of the state that started after the
 * request arrived: a notification of a channel saved a moment ago is never
 * turned away (Google does not retry a 404). Those reads happen at most
 * once per interval; every request waiting meanwhile shares the next one.
 */
export class ChannelDirectory {
  private byId = new Map<string, string>();
  private lastReadStartedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  /** The next read, not started yet; every unknown id that arrives before it starts waits for it. */
  private scheduled: Promise<void> | undefined;

  constructor(
    private readonly reader: StateReader,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<void> {
    await this.nextRead();
  }

  /** The calendar of a channel id known already, without reading the state. */
  known(channelId: string): string | undefined {
    return this.byId.get(channelId);
  }

  /** The calendar a channel id belongs to, or undefined for a channel calsync does not know. */
  async calendarFor(channelId: string): Promise<string | undefined> {
    const known = this.byId.get(channelId);
    if (known !== undefined) return known;
    await this.nextRead();
    return this.byId.get(channelId);
  }

  /** Resolves after a read of the state that starts no earlier than now. */
  private nextRead(): Promise<void> {
    this.scheduled ??= this.scheduleRead();
    return this.scheduled;
  }

  private async scheduleRead(): Promise<void> {
    // A read in flight started before this caller arrived: wait for it, then read again.
    // (Always awaits, so `scheduled` is assigned before it is cleared below.)
    await (this.inflight ?? Promise.resolve());
    const wait = this.lastReadStartedAt + CHANNEL_REFRESH_INTERVAL_MS - this.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.scheduled = undefined;
    this.lastReadStartedAt = this.now();
    this.inflight = this.reload().finally(() => {
      this.inflight = undefined;
    });
    await this.inflight;
  }

  private async reload(): Promise<void> {
    try {
      const state = await this.reader.read();
      const next = new Map<string, string>();
      for (const [calendarId, channel] of Object.entries(state.channels)) next.set(channel.id, calendarId);
      this.byId = next;
    } catch (err) {
      // Keep the channels known so far: a state being replaced must not turn every notification away.
      log.warn('could not read watch channels from the state', { error: errorMessage(err) });
    }
  }
}
