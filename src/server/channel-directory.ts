import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';
import type { StateReader } from './state-reader.js';

/** Unknown channel ids re-read the state at most this often (a forged flood must not become a read flood). */
export const CHANNEL_REFRESH_INTERVAL_MS = 1_000;

/**
 * Channel id → source calendar, from the state's watch channels. `calsync
 * watch` runs in another process and may add a channel at any time, so an
 * unknown id re-reads the state, at most once per interval.
 */
export class ChannelDirectory {
  private byId = new Map<string, string>();
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly reader: StateReader,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<void> {
    await this.refresh();
  }

  /** The calendar a channel id belongs to, or undefined for a channel calsync does not know. */
  async calendarFor(channelId: string): Promise<string | undefined> {
    const known = this.byId.get(channelId);
    if (known !== undefined) return known;
    // A notification that arrives during a refresh waits for it: it may be the very channel being added.
    if (this.refreshing) await this.refreshing;
    else if (this.now() - this.lastRefreshAt >= CHANNEL_REFRESH_INTERVAL_MS) await this.refresh();
    return this.byId.get(channelId);
  }

  private refresh(): Promise<void> {
    this.lastRefreshAt = this.now();
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
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
